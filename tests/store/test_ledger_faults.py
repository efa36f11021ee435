"""Faults (locked or corrupt file, unreachable server, dying append) leave the ledger valid."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from govern.store import record
from govern.store.errors import LedgerCorrupt, LedgerError, LedgerUnavailable
from govern.store.ledger import Ledger
from tests.conftest import CliResult
from tests.store.conftest import Release, execute

Run = Callable[..., CliResult]


def count_runs(url: str) -> int:
    return int(execute(url, "SELECT count(*) FROM govern_assessments")[0][0])


def seeded(url: str, release: Release, runs: int = 2) -> str:
    with Ledger.open(url, write=True) as ledger:
        for _ in range(runs):
            ledger.append(release.assessment, release.fairness)
    return url


def assert_intact(url: str, runs: int) -> None:
    with Ledger.open(url) as ledger:
        report = ledger.verify()
    assert report.valid, report.problem
    assert report.runs == runs


def test_locked_sqlite_file(tmp_path: Path, releases: dict[str, Release]) -> None:
    url = seeded(f"sqlite:///{tmp_path / 'ledger.db'}", releases["v1"])
    holder = sqlite3.connect(tmp_path / "ledger.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            pytest.raises(LedgerUnavailable, match=r"ledger\.db is locked by another process"),
            Ledger.open(url, write=True, timeout=0.2) as ledger,
        ):
            ledger.append(releases["v1"].assessment)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_intact(url, 2)


def test_postgres_head_held_by_another_appender(
    postgres_url: str, releases: dict[str, Release], capfd: pytest.CaptureFixture[str]
) -> None:
    """The lock timeout, the head and the blob lookup share one round trip: a held head still
    fails after the timeout with govern's own message, and nothing is written."""
    from sqlalchemy import create_engine, text

    url = seeded(postgres_url, releases["v1"])
    holder = create_engine(url).connect()
    holder.execute(text("SELECT run_id FROM govern_chain_head WHERE id = 1 FOR UPDATE"))
    try:
        with (
            pytest.raises(LedgerUnavailable, match=r"held the ledger lock for over 0\.2 s"),
            Ledger.open(url, write=True, timeout=0.2) as ledger,
        ):
            ledger.append(releases["v2"].assessment, releases["v2"].fairness)
    finally:
        holder.rollback()
        holder.close()
    assert_intact(url, 2)
    assert capfd.readouterr().err == ""  # no driver noise besides govern's own error
    with Ledger.open(url, write=True, timeout=5) as ledger:
        assert ledger.append(releases["v2"].assessment).run_id == 3
    assert_intact(url, 3)


def test_postgres_write_refused_mid_append(
    postgres_url: str, releases: dict[str, Release], caplog: pytest.LogCaptureFixture
) -> None:
    """A write the server refuses inside the pipelined batch (after the run's own row) rolls the
    whole append back, with govern's one-line message and nothing logged by the driver."""
    url = seeded(postgres_url, releases["v1"])
    execute(
        url,
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by policy'; END $$",
        "CREATE TRIGGER refuse BEFORE INSERT ON govern_findings "
        "FOR EACH ROW EXECUTE FUNCTION refuse()",
    )
    with (
        pytest.raises(LedgerError, match=r"recording the assessment failed.*refused by policy"),
        Ledger.open(url, write=True) as ledger,
    ):
        ledger.append(releases["v2"].assessment, releases["v2"].fairness)
    assert not [r for r in caplog.records if r.name.startswith("psycopg")]  # no driver noise
    assert count_runs(url) == 2
    assert_intact(url, 2)


def test_corrupt_sqlite_file(tmp_path: Path, releases: dict[str, Release], run_cli: Run) -> None:
    path = tmp_path / "ledger.db"
    garbage = b"this is not a SQLite database, it is a spreadsheet export\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(LedgerCorrupt, match="not a SQLite database or is damaged"):
        record(releases["v1"].assessment, f"sqlite:///{path}", releases["v1"].folder)
    result = run_cli("ledger", "verify", "--db", f"sqlite:///{path}")
    assert result.code == 2
    assert result.err.startswith("error: ") and "Traceback" not in result.err
    assert "restore it from a backup" in result.err.lower()
    assert path.read_bytes() == garbage


def test_truncated_sqlite_file(tmp_path: Path, releases: dict[str, Release], run_cli: Run) -> None:
    path = tmp_path / "ledger.db"
    url = seeded(f"sqlite:///{path}", releases["v1"], runs=3)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    result = run_cli("ledger", "verify", "--db", url)
    assert result.code in (1, 2)  # damage shows as unreadable, or as missing rows
    assert "Traceback" not in result.err
    assert "sqlite" in (result.out + result.err)


def test_unreachable_postgres(releases: dict[str, Release], run_cli: Run) -> None:
    url = "postgresql+psycopg://govern:s3cret@127.0.0.1:1/ledger"
    with pytest.raises(LedgerUnavailable) as caught:
        record(releases["v1"].assessment, url, releases["v1"].folder)
    message = str(caught.value)
    assert message.startswith("cannot reach postgresql+psycopg://govern:***@127.0.0.1:1/ledger")
    assert "s3cret" not in message and "GOVERN_DATABASE_URL" in message
    result = run_cli("history", "--db", url)
    assert result.code == 2 and "cannot reach" in result.err and "s3cret" not in result.err


def test_plain_postgres_url_means_psycopg(run_cli: Run) -> None:
    result = run_cli("ledger", "verify", "--db", "postgres://u:pw@127.0.0.1:1/x")
    assert result.code == 2 and "postgresql+psycopg://u:***@127.0.0.1:1/x" in result.err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "is not a database URL"),
        ("mysql://u@h/db", "not mysql"),
        ("sqlite://", "must be a SQLite file"),
    ],
)
def test_unusable_urls(url: str, message: str, run_cli: Run) -> None:
    result = run_cli("ledger", "verify", "--db", url)
    assert result.code == 2 and message in result.err


def _failing_insert(original: Callable[..., None]) -> Callable[..., None]:
    def insert(self: Ledger, conn: Any, run_id: int, children: Any) -> None:
        original(self, conn, run_id, children)
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    return insert


def test_failure_in_the_middle_of_an_append(
    db_url: str, releases: dict[str, Release], monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(db_url, releases["v1"])
    monkeypatch.setattr(Ledger, "_insert_children", _failing_insert(Ledger._insert_children))
    with (
        pytest.raises(LedgerError, match="the ledger is unchanged"),
        Ledger.open(db_url, write=True) as ledger,
    ):
        ledger.append(releases["v2"].assessment, releases["v2"].fairness)
    monkeypatch.undo()
    assert_intact(db_url, 2)
    with Ledger.open(db_url, write=True) as ledger:
        assert ledger.append(releases["v2"].assessment).run_id == 3
    assert_intact(db_url, 3)


def _die_mid_append(url: str, release: Release) -> None:
    original = Ledger._insert_children

    def insert_then_die(self: Ledger, conn: Any, run_id: int, children: Any) -> None:
        original(self, conn, run_id, children)
        os._exit(3)  # the runner is killed: no rollback, no cleanup, connection just drops

    Ledger._insert_children = insert_then_die  # type: ignore[method-assign]
    with Ledger.open(url, write=True) as ledger:
        ledger.append(release.assessment, release.fairness)
    os._exit(0)


def test_process_killed_in_the_middle_of_an_append(
    db_url: str, releases: dict[str, Release]
) -> None:
    seeded(db_url, releases["v1"])
    child = multiprocessing.get_context("fork").Process(
        target=_die_mid_append, args=(db_url, releases["v2"])
    )
    child.start()
    child.join(60)
    assert child.exitcode == 3
    assert count_runs(db_url) == 2
    assert_intact(db_url, 2)
    with Ledger.open(db_url, write=True, timeout=10) as ledger:
        assert ledger.append(releases["v2"].assessment).run_id == 3
