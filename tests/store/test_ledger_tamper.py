"""Tampering straight in SQL, on both backends, is caught by `govern ledger verify`."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from govern.store.chain import chain_hash
from govern.store.ledger import Ledger
from govern.store.records import row_digest
from tests.conftest import CliResult
from tests.store.conftest import Release, execute, fixed_clock

Run = Callable[..., CliResult]


@pytest.fixture
def ledger_url(db_url: str, releases: dict[str, Release]) -> str:
    """Four runs: 1 passes, 2 fails (with a finding), 3 waives it, 4 fails again."""
    clock = fixed_clock()
    with Ledger.open(db_url, write=True) as ledger:
        for name in ("v1", "v2", "v2w", "v3"):
            ledger.append(releases[name].assessment, releases[name].fairness, now=clock)
    return db_url


def verdict_of(run_cli: Run, url: str) -> CliResult:
    return run_cli("ledger", "verify", "--db", url)


def test_untouched_ledger_verifies(ledger_url: str, run_cli: Run) -> None:
    result = verdict_of(run_cli, ledger_url)
    assert result.code == 0, result.err
    assert result.out.startswith("ok: ") and "4 run(s), chain intact" in result.out


def test_edited_finding(ledger_url: str, run_cli: Run) -> None:
    execute(
        ledger_url,
        "UPDATE govern_findings SET status = 'pass' WHERE assessment_id = 2 AND position = 0",
    )
    result = verdict_of(run_cli, ledger_url)
    assert result.code == 1
    assert "TAMPERED" in result.out and "run 2 edited: its findings rows were changed" in result.out


def test_deleted_finding(ledger_url: str, run_cli: Run) -> None:
    execute(ledger_url, "DELETE FROM govern_findings WHERE assessment_id = 4")
    assert "run 4 edited: its findings rows were changed" in verdict_of(run_cli, ledger_url).out


def test_edited_verdict_column(ledger_url: str, run_cli: Run) -> None:
    execute(ledger_url, "UPDATE govern_assessments SET verdict = 'pass' WHERE id = 2")
    result = verdict_of(run_cli, ledger_url)
    assert result.code == 1 and "run 2 edited: its columns" in result.out


def test_edited_document(ledger_url: str, run_cli: Run) -> None:
    (stored,) = execute(ledger_url, "SELECT document FROM govern_assessments WHERE id = 3")
    document = json.loads(zlib.decompress(bytes(stored[0])))
    document["summary"]["verdict"] = "fail"
    forged = zlib.compress(json.dumps(document).encode())
    execute(
        ledger_url,
        "UPDATE govern_assessments SET document = :doc WHERE id = 3",
        params={"doc": forged},
    )
    result = verdict_of(run_cli, ledger_url)
    assert result.code == 1 and "run 3 edited: its assessment document was changed" in result.out


def test_deleted_row(ledger_url: str, run_cli: Run) -> None:
    for table in ("govern_findings", "govern_evidence", "govern_waivers", "govern_fairness"):
        execute(ledger_url, f"DELETE FROM {table} WHERE assessment_id = 2")
    execute(ledger_url, "DELETE FROM govern_assessments WHERE id = 2")
    result = verdict_of(run_cli, ledger_url)
    assert result.code == 1 and "run 2 deleted: run 2 missing before run 3" in result.out


def test_deleted_newest_row(ledger_url: str, run_cli: Run) -> None:
    for table in ("govern_findings", "govern_evidence", "govern_waivers", "govern_fairness"):
        execute(ledger_url, f"DELETE FROM {table} WHERE assessment_id = 4")
    execute(ledger_url, "DELETE FROM govern_assessments WHERE id = 4")
    result = verdict_of(run_cli, ledger_url)
    assert result.code == 1 and "run 4 deleted" in result.out and "newest" in result.out


def _row(url: str, run_id: int) -> dict[str, Any]:
    """A row with typed values (dates as dates, also on SQLite), without its id."""
    from sqlalchemy import create_engine, select

    from govern.store.tables import AssessmentRow

    table = AssessmentRow.__table__  # type: ignore[attr-defined]
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.id == run_id)).mappings().one()
    finally:
        engine.dispose()
    return {key: value for key, value in row.items() if key != "id"}


def _overwrite(url: str, run_id: int, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    execute(
        url,
        f"UPDATE govern_assessments SET {assignments} WHERE id = {run_id}",
        params=values,
    )


def test_swapped_rows(ledger_url: str, run_cli: Run) -> None:
    second, third = _row(ledger_url, 2), _row(ledger_url, 3)
    # The chain hashes are unique columns: park one row's before giving them to the other.
    _overwrite(ledger_url, 3, {"prev_hash": "x", "chain_hash": "y"})
    _overwrite(ledger_url, 2, third)
    _overwrite(ledger_url, 3, second)
    result = verdict_of(run_cli, ledger_url)
    assert result.code == 1
    assert "run 2 reordered: it was recorded after run 3 (rows swapped or moved)" in result.out


def test_row_inserted_after_the_head(ledger_url: str, run_cli: Run) -> None:
    forged = _row(ledger_url, 4)
    forged["verdict"] = "pass"
    forged["digest"] = row_digest(forged, forged["recorded_at"])
    forged["prev_hash"] = forged["chain_hash"]
    forged["chain_hash"] = chain_hash(forged["prev_hash"], forged["digest"])
    names = ", ".join(forged)
    values = ", ".join(f":{name}" for name in forged)
    execute(
        ledger_url,
        f"INSERT INTO govern_assessments (id, {names}) VALUES (5, {values})",
        params=forged,
    )
    result = verdict_of(run_cli, ledger_url)
    assert result.code == 1
    assert "run 5 inserted: it was added after run 4" in result.out


def test_rewritten_chain_is_caught_by_an_anchor(ledger_url: str, run_cli: Run) -> None:
    """Someone who recomputes every hash after an edit fools the chain, not a noted-down hash."""
    with Ledger.open(ledger_url) as ledger:
        report = ledger.verify()
    assert report.head is not None
    anchor = f"{report.head.run_id}:{report.head.chain_hash}"
    prev = _row(ledger_url, 3)["chain_hash"]
    forged = _row(ledger_url, 4)
    forged["system_version"] = "2.4.0-hotfix"
    forged["digest"] = row_digest(forged, forged["recorded_at"])
    forged["chain_hash"] = chain_hash(prev, forged["digest"])
    _overwrite(ledger_url, 4, forged)
    execute(
        ledger_url,
        "UPDATE govern_chain_head SET chain_hash = :h WHERE id = 1",
        params={"h": forged["chain_hash"]},
    )
    assert verdict_of(run_cli, ledger_url).code == 0
    result = run_cli("ledger", "verify", "--db", ledger_url, "--anchor", anchor)
    assert result.code == 1 and "run 4 edited" in result.out


def test_verify_json(ledger_url: str, run_cli: Run) -> None:
    execute(ledger_url, "UPDATE govern_waivers SET state = 'active' WHERE assessment_id = 4")
    result = run_cli("ledger", "verify", "--db", ledger_url, "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["valid"] is False and data["checked"] == 3
    assert data["problem"] == {
        "run_id": 4,
        "kind": "edited",
        "detail": "its waiver rows were changed",
    }
