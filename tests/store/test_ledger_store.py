"""Appending and reading back on SQLite and Postgres: runs, findings, waivers, fairness, history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govern.store import default_url, record
from govern.store.chain import Anchor
from govern.store.errors import NoLedger, RunNotFound
from govern.store.ledger import Ledger
from tests.store.conftest import RETENTION_RULE, Release, execute, fixed_clock


def append_all(url: str, *items: Release) -> list[int]:
    clock = fixed_clock()
    with Ledger.open(url, write=True) as ledger:
        return [ledger.append(r.assessment, r.fairness, now=clock).run_id for r in items]


def test_append_assigns_consecutive_runs_and_a_valid_chain(
    db_url: str, releases: dict[str, Release]
) -> None:
    ids = append_all(db_url, releases["v1"], releases["v2"], releases["chat"], releases["v2w"])
    assert ids == [1, 2, 3, 4]
    with Ledger.open(db_url) as ledger:
        report = ledger.verify()
    assert report.valid and report.runs == 4
    assert report.head is not None and report.head.run_id == 4


def test_rows_hold_findings_evidence_waivers_and_fairness(
    db_url: str, releases: dict[str, Release]
) -> None:
    append_all(db_url, releases["v2w"])
    findings = execute(db_url, "SELECT rule_id, status, severity, file FROM govern_findings")
    assert [tuple(f) for f in findings] == [
        (RETENTION_RULE, "waived", "high", "docs/model_card.yaml")
    ]
    evidence = execute(db_url, "SELECT kind, path FROM govern_evidence ORDER BY position")
    assert [tuple(e) for e in evidence][:2] == [
        ("manifest", "govern.yaml"),
        ("model_card", "docs/model_card.yaml"),
    ]
    waivers = execute(db_url, "SELECT rule, state, expires, applied FROM govern_waivers")
    assert [tuple(w)[:2] for w in waivers] == [(RETENTION_RULE, "active")]
    assert bool(waivers[0][3]) is True
    fairness = execute(db_url, "SELECT count(*) FROM govern_fairness")
    assert fairness[0][0] == len(releases["v2w"].fairness) > 0


def test_snapshot_returns_the_recorded_assessment(
    db_url: str, releases: dict[str, Release]
) -> None:
    append_all(db_url, releases["v1"], releases["v2"])
    with Ledger.open(db_url) as ledger:
        snapshot = ledger.snapshot(2)
    assert snapshot.assessment == releases["v2"].assessment
    assert snapshot.fairness == releases["v2"].fairness
    assert snapshot.recorded_at == dt.datetime(2026, 11, 25, 9, 2, tzinfo=dt.UTC)


def test_history_summarises_each_run(db_url: str, releases: dict[str, Release]) -> None:
    append_all(db_url, releases["v1"], releases["chat"], releases["v2"], releases["v2w"])
    with Ledger.open(db_url) as ledger:
        entries = ledger.history("credit-risk-scorer")
        last_two = ledger.history("credit-risk-scorer", limit=2)
    assert [e.run_id for e in entries] == [1, 3, 4]
    assert [e.run_id for e in last_two] == [3, 4]
    first, failing, waived = entries
    assert (first.version, first.verdict, first.failures["high"]) == ("2.3.0", "pass", 0)
    assert (failing.version, failing.verdict, failing.failures["high"]) == ("2.4.0", "fail", 1)
    assert (waived.verdict, waived.waived, waived.failures["high"]) == ("pass", 1, 0)
    assert [m.metric for m in first.fairness] == [
        "demographic_parity_ratio",
        "equalized_odds_difference",
    ]
    ratio_before, ratio_after = first.fairness[0].value, failing.fairness[0].value
    assert ratio_before is not None and ratio_after is not None
    assert ratio_after == pytest.approx(ratio_before - 0.1, abs=1e-3)


def test_resolve_run_references(db_url: str, releases: dict[str, Release]) -> None:
    append_all(
        db_url, releases["v1"], releases["chat"], releases["v2w"], releases["v2"], releases["v3"]
    )
    with Ledger.open(db_url) as ledger:
        system = "credit-risk-scorer"
        assert ledger.resolve("latest", system) == 5
        assert ledger.resolve("previous", system) == 4
        assert ledger.resolve("latest~2", system) == 3
        assert ledger.resolve("approved", system) == 3
        assert ledger.resolve("#2", None) == 2
        with pytest.raises(RunNotFound, match="several systems"):
            ledger.resolve("latest", None)
        with pytest.raises(RunNotFound, match="no run 9"):
            ledger.resolve("9", None)
        with pytest.raises(RunNotFound, match="fewer than 10"):
            ledger.resolve("latest~9", system)


def test_record_defaults_to_sqlite_in_the_system_folder(releases: dict[str, Release]) -> None:
    release = releases["v1"]
    run = record(release.assessment, None, release.folder)
    ledger_file = release.folder / ".govern" / "ledger.db"
    assert ledger_file.is_file()
    assert run.database == f"sqlite:///{ledger_file.resolve()}"
    assert run.run_id >= 1 and len(run.chain_hash) == 64 and run.warnings == ()
    with Ledger.open(default_url(release.folder)) as ledger:
        assert ledger.verify([Anchor.parse(run.anchor)]).valid


def test_record_keeps_the_fairness_numbers_assessed_whatever_the_file_says_now(
    releases: dict[str, Release], tmp_path: Path
) -> None:
    """The ledger reads no evidence: numbers come from the Assessment's snapshot, so a report
    edited (or deleted) after the run cannot change what is recorded."""
    release = releases["v1"]
    report = release.folder / "reports" / "fairness.json"
    original = report.read_bytes()
    try:
        report.write_bytes(b"{}")
        run = record(release.assessment, f"sqlite:///{tmp_path / 'l.db'}", release.folder)
    finally:
        report.write_bytes(original)
    assert not run.warnings
    rows = execute(f"sqlite:///{tmp_path / 'l.db'}", "SELECT count(*) FROM govern_fairness")
    assert rows == [(len(release.fairness),)] and len(release.fairness) > 0


def test_reading_an_empty_location_says_nothing_was_recorded(tmp_path: Path) -> None:
    with pytest.raises(NoLedger, match="nothing has been recorded"):
        Ledger.open(f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()


@pytest.mark.postgres
def test_reading_an_empty_postgres_schema_says_nothing_was_recorded(postgres_url: str) -> None:
    with pytest.raises(NoLedger, match="nothing has been recorded"):
        Ledger.open(postgres_url)
