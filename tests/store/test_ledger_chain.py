"""The pure chain: canonical JSON, digests, and how verify names the first tampered row."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from govern.store.chain import (
    GENESIS,
    Anchor,
    Head,
    Link,
    canonical_json,
    canonical_time,
    chain_hash,
    digest,
    verify,
)


def make_chain(n: int) -> list[Link]:
    links, prev = [], GENESIS
    for run_id in range(1, n + 1):
        row_digest = digest({"run": run_id})
        link = Link(run_id, prev, row_digest, chain_hash(prev, row_digest))
        links.append(link)
        prev = link.chain_hash
    return links


def head_of(links: list[Link]) -> Head:
    return Head(links[-1].run_id, links[-1].chain_hash)


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": [True, None, 0.5], "é": "ü"}) == (
        '{"a":[true,null,0.5],"b":1,"é":"ü"}'.encode()
    )


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_canonical_time_is_utc_whatever_the_zone() -> None:
    aware = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    naive_utc = dt.datetime(2026, 11, 25, 10, 0)
    assert canonical_time(aware) == canonical_time(naive_utc) == "2026-11-25T10:00:00.000000Z"


def test_digest_is_stable() -> None:
    # A digest taken today must be recomputable by any later version: pin one.
    assert digest({"a": 1}) == "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"


def test_intact_chain_verifies() -> None:
    links = make_chain(5)
    report = verify(links, head_of(links))
    assert report.valid and report.runs == 5 and report.checked == 5


def test_empty_ledger_verifies() -> None:
    assert verify([], Head(0, GENESIS)).valid


def test_edited_content_is_named() -> None:
    links = make_chain(5)
    links[2] = replace(links[2], content_problem="its findings rows were changed")
    problem = verify(links, head_of(links)).problem
    assert problem is not None
    assert (problem.run_id, problem.kind) == (3, "edited")
    assert "findings" in problem.detail


def test_edited_digest_is_named() -> None:
    links = make_chain(5)
    links[1] = replace(links[1], digest=digest("forged"))
    problem = verify(links, head_of(links)).problem
    assert problem is not None and (problem.run_id, problem.kind) == (2, "edited")


def test_deleted_middle_row() -> None:
    links = make_chain(5)
    del links[2]
    problem = verify(links, head_of(links)).problem
    assert problem is not None and (problem.run_id, problem.kind) == (3, "deleted")


def test_deleted_last_row_is_caught_by_the_head() -> None:
    links = make_chain(5)
    head = head_of(links)
    problem = verify(links[:-1], head).problem
    assert problem is not None and (problem.run_id, problem.kind) == (5, "deleted")


def test_swapped_rows_are_reordered() -> None:
    links = make_chain(5)
    second, third = links[1], links[2]
    links[1] = replace(third, run_id=2)
    links[2] = replace(second, run_id=3)
    problem = verify(links, head_of(links)).problem
    assert problem is not None and (problem.run_id, problem.kind) == (2, "reordered")
    assert "after run 3" in problem.detail


def test_swapped_first_rows_are_reordered() -> None:
    links = make_chain(3)
    links[0], links[1] = replace(links[1], run_id=1), replace(links[0], run_id=2)
    problem = verify(links, head_of(links)).problem
    assert problem is not None and (problem.run_id, problem.kind) == (1, "reordered")


def test_inserted_row_with_a_wrong_predecessor() -> None:
    links = make_chain(4)
    forged_digest = digest("forged")
    forged = Link(3, digest("nothing"), forged_digest, chain_hash(digest("nothing"), forged_digest))
    renumbered = [replace(link, run_id=link.run_id + 1) for link in links[2:]]
    tampered = [*links[:2], forged, *renumbered]
    problem = verify(tampered, Head(5, links[-1].chain_hash)).problem
    assert problem is not None and (problem.run_id, problem.kind) == (3, "inserted")


def test_inserted_row_with_a_right_predecessor() -> None:
    links = make_chain(4)
    forged_digest = digest("forged")
    forged = Link(
        3, links[1].chain_hash, forged_digest, chain_hash(links[1].chain_hash, forged_digest)
    )
    renumbered = [replace(link, run_id=link.run_id + 1) for link in links[2:]]
    tampered = [*links[:2], forged, *renumbered]
    problem = verify(tampered, Head(5, links[-1].chain_hash)).problem
    assert problem is not None and (problem.run_id, problem.kind) == (3, "inserted")


def test_row_appended_behind_govern_s_back() -> None:
    links = make_chain(4)
    head = head_of(links)
    extra_digest = digest("extra")
    extra = Link(
        5, links[-1].chain_hash, extra_digest, chain_hash(links[-1].chain_hash, extra_digest)
    )
    problem = verify([*links, extra], head).problem
    assert problem is not None and (problem.run_id, problem.kind) == (5, "inserted")


def test_renumbered_rows() -> None:
    links = make_chain(3)
    links[2] = replace(links[2], run_id=7)
    problem = verify(links, Head(7, links[2].chain_hash)).problem
    assert problem is not None and (problem.run_id, problem.kind) == (7, "renumbered")


def test_rewritten_tail_passes_the_chain_but_not_an_anchor() -> None:
    links = make_chain(4)
    anchor = Anchor(3, links[2].chain_hash)
    rewritten, prev = links[:1], links[0].chain_hash
    for run_id in range(2, 5):
        row_digest = digest({"forged": run_id})
        rewritten.append(Link(run_id, prev, row_digest, chain_hash(prev, row_digest)))
        prev = rewritten[-1].chain_hash
    assert verify(rewritten, head_of(rewritten)).valid
    problem = verify(rewritten, head_of(rewritten), [anchor]).problem
    assert problem is not None and (problem.run_id, problem.kind) == (3, "edited")


def test_anchor_parsing() -> None:
    value = "a" * 64
    assert Anchor.parse(f"12:{value}") == Anchor(12, value)
    for bad in ("12", f"x:{value}", "3:abc", f"3:{'g' * 64}"):
        with pytest.raises(ValueError):
            Anchor.parse(bad)
