"""Content-addressed parts: runs of an unchanged system share them, the chain covers them, and a
changed shared part is caught for every run that names it; verify reads the ledger in batches."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from govern.store import chain
from govern.store import ledger as ledger_module
from govern.store.errors import LedgerError
from govern.store.ledger import Ledger
from govern.store.parts import index_keys, pack, unpack
from tests.conftest import CliResult
from tests.store.conftest import Release, execute, fixed_clock

Run = Callable[..., CliResult]

UNCHANGED_RUNS = 6
# What the issue allows a run of a system whose evidence did not change to add to the ledger.
MAX_BYTES_PER_RUN = 15_000


@pytest.fixture
def unchanged(db_url: str, releases: dict[str, Release]) -> str:
    """Credit scoring recorded UNCHANGED_RUNS times from the same evidence, then the chatbot."""
    clock = fixed_clock()
    v1 = releases["v1"]
    with Ledger.open(db_url, write=True) as ledger:
        for _ in range(UNCHANGED_RUNS):
            ledger.append(v1.assessment, v1.fairness, now=clock)
        ledger.append(releases["chat"].assessment, releases["chat"].fairness, now=clock)
    return db_url


def _bytes(rows: list[Any]) -> int:
    return sum(
        len(v) if isinstance(v, bytes | memoryview) else len(str(v).encode())
        for row in rows
        for v in row
        if v is not None
    )


def _run_bytes(url: str, run_id: int) -> int:
    """Every byte a run's own rows hold: its run row and its child rows."""
    own = _bytes(execute(url, f"SELECT * FROM govern_assessments WHERE id = {run_id}"))
    for table in ("findings", "evidence", "waivers", "fairness"):
        own += _bytes(execute(url, f"SELECT * FROM govern_{table} WHERE assessment_id = {run_id}"))
    return own


def _parts(url: str, run_id: int) -> dict[str, str]:
    ((text,),) = execute(url, f"SELECT parts FROM govern_assessments WHERE id = {run_id}")
    parts: dict[str, str] = json.loads(text)
    return parts


def test_an_unchanged_run_stores_no_new_part_and_stays_small(unchanged: str) -> None:
    first = _parts(unchanged, 1)
    assert all(_parts(unchanged, run) == first for run in range(2, UNCHANGED_RUNS + 1))
    (blobs,) = execute(unchanged, "SELECT count(*) FROM govern_blobs")
    chat = _parts(unchanged, UNCHANGED_RUNS + 1)
    results = [*_result_keys(unchanged, 1), *_result_keys(unchanged, UNCHANGED_RUNS + 1)]
    distinct = {*first.values(), *results, *chat.values()}
    assert blobs[0] == len(distinct)  # every part once, however many runs name it
    for run in range(2, UNCHANGED_RUNS + 1):
        assert _run_bytes(unchanged, run) <= MAX_BYTES_PER_RUN


def test_sqlite_file_grows_less_than_the_limit_per_unchanged_run(
    tmp_path: Any, releases: dict[str, Release]
) -> None:
    import sqlite3

    path = tmp_path / "ledger.db"

    def used() -> int:
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
            size = conn.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * size)

    v1 = releases["v1"]
    with Ledger.open(f"sqlite:///{path}", write=True) as ledger:
        ledger.append(v1.assessment, v1.fairness)
        before = used()
        for _ in range(20):
            ledger.append(v1.assessment, v1.fairness)
    assert (used() - before) / 20 <= MAX_BYTES_PER_RUN


def _forge_blob(url: str, key: str) -> None:
    ((stored,),) = execute(
        url, "SELECT data FROM govern_blobs WHERE sha256 = :k", params={"k": key}
    )
    data = unpack(stored) or b""
    forged = data.replace(b'"pass"', b'"fail"', 1)
    assert forged != data
    execute(
        url,
        "UPDATE govern_blobs SET data = :d WHERE sha256 = :k",
        params={"d": pack(forged), "k": key},
    )


def _result_keys(url: str, run_id: int) -> list[str]:

    index = _parts(url, run_id)["results"]
    ((stored,),) = execute(
        url, "SELECT data FROM govern_blobs WHERE sha256 = :k", params={"k": index}
    )
    return index_keys(unpack(stored) or b"")


def test_a_changed_shared_result_is_caught_for_every_run_naming_it(
    unchanged: str, run_cli: Run
) -> None:
    chat = set(_result_keys(unchanged, UNCHANGED_RUNS + 1))
    key = next(k for k in _result_keys(unchanged, 1) if k not in chat)
    _forge_blob(unchanged, key)
    result = run_cli("ledger", "verify", "--db", unchanged, "--format", "json")
    assert result.code == 1
    problem = json.loads(result.out)["problem"]
    assert (problem["run_id"], problem["kind"]) == (1, "edited")
    assert "its assessment parts were changed: results" in problem["detail"]
    with Ledger.open(unchanged) as ledger:
        for run in range(1, UNCHANGED_RUNS + 1):
            with pytest.raises(LedgerError, match=f"run {run}: its assessment parts were changed"):
                ledger.snapshot(run)
        assert ledger.snapshot(UNCHANGED_RUNS + 1).assessment.system.id != "credit-risk-scorer"


@pytest.mark.parametrize("part", ["packs", "fairness", "attestations", "results"])
def test_a_changed_or_deleted_part_names_the_first_run(
    unchanged: str, run_cli: Run, part: str
) -> None:
    key = _parts(unchanged, 1)[part]
    execute(unchanged, "DELETE FROM govern_blobs WHERE sha256 = :k", params={"k": key})
    result = run_cli("ledger", "verify", "--db", unchanged)
    assert result.code == 1
    assert f"run 1 edited: its assessment parts were changed: {part}" in result.out


def test_edited_parts_column(unchanged: str, run_cli: Run) -> None:
    parts = _parts(unchanged, 3)
    parts["fairness"] = _parts(unchanged, UNCHANGED_RUNS + 1)["fairness"]
    execute(
        unchanged,
        "UPDATE govern_assessments SET parts = :p WHERE id = 3",
        params={"p": json.dumps(parts, sort_keys=True, separators=(",", ":"))},
    )
    result = run_cli("ledger", "verify", "--db", unchanged)
    assert result.code == 1 and "run 3 edited: its columns" in result.out


def test_verify_reads_the_ledger_in_batches(
    unchanged: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs are checked as their batch arrives, not after every row has been read."""
    events: list[str] = []
    children = Ledger._children
    step = chain._Walk.step

    def read_batch(self: Ledger, *args: Any) -> Any:
        events.append("batch")
        return children(self, *args)

    def check_run(self: chain._Walk, *args: Any) -> Any:
        events.append("run")
        return step(self, *args)

    monkeypatch.setattr(ledger_module, "_VERIFY_BATCH", 2)
    monkeypatch.setattr(Ledger, "_children", read_batch)
    monkeypatch.setattr(chain._Walk, "step", check_run)
    with Ledger.open(unchanged) as ledger:
        assert ledger.verify().valid
    assert events == ["batch", "run", "run"] * 3 + ["batch", "run"]
