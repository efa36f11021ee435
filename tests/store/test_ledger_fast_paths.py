"""The append and verify fast paths write and read exactly what the SQLAlchemy paths did.

Child rows go in and come out through the plain driver: what history and diff read back must be
what was recorded, and SQLite's durability mode is NORMAL unless GOVERN_SQLITE_SYNCHRONOUS asks
for FULL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from govern.errors import UsageError
from govern.store import database
from govern.store.ledger import Ledger
from tests.store.conftest import Release, fixed_clock


def test_waived_run_reads_back_its_waivers_and_findings(
    db_url: str, releases: dict[str, Release]
) -> None:
    """The waiver's expiry date and the booleans written by the plain driver read back as such."""
    waived = releases["v2w"]
    with Ledger.open(db_url, write=True) as ledger:
        run = ledger.append(waived.assessment, waived.fairness, now=fixed_clock())
        snapshot = ledger.snapshot(run.run_id)
        history = ledger.history(waived.assessment.system.id)
        assert ledger.verify().valid
    assert snapshot.assessment == waived.assessment
    assert snapshot.fairness == waived.fairness
    assert history[-1].waived == sum(r.status == "waived" for r in waived.assessment.results)


def _synchronous(path: Path, monkeypatch: pytest.MonkeyPatch, mode: str | None) -> int:
    if mode is None:
        monkeypatch.delenv(database.SYNCHRONOUS_ENV, raising=False)
    else:
        monkeypatch.setenv(database.SYNCHRONOUS_ENV, mode)
    with Ledger.open(f"sqlite:///{path}", write=True) as ledger, ledger.engine.connect() as conn:
        value = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
    return int(value)


def test_sqlite_is_normal_under_wal_unless_full_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ledger.db"
    assert _synchronous(path, monkeypatch, None) == 1  # NORMAL
    assert _synchronous(path, monkeypatch, "full") == 2  # FULL
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(UsageError, match="GOVERN_SQLITE_SYNCHRONOUS"):
        _synchronous(path, monkeypatch, "OFF")


def test_sqlite_values_are_stored_as_sqlalchemy_stores_them(
    tmp_path: Path, releases: dict[str, Release]
) -> None:
    """Times, dates and booleans written through the plain driver are the text and numbers
    SQLAlchemy's own SQLite types write, not sqlite3's (deprecated) adapters: every row govern
    wrote, read back by SQLAlchemy and inserted by SQLAlchemy Core into an empty ledger, is
    stored identically."""
    from sqlalchemy import create_engine, insert, select

    from govern.store.ledger import CHILDREN, SYSTEMS, A

    waived = releases["v2w"]
    ours, core = tmp_path / "ours.db", tmp_path / "core.db"
    with Ledger.open(f"sqlite:///{ours}", write=True) as ledger:
        ledger.append(waived.assessment, waived.fairness, now=fixed_clock())
    Ledger.open(f"sqlite:///{core}", write=True).close()  # the same schema, empty
    tables = [SYSTEMS, A, *CHILDREN.values()]
    with create_engine(f"sqlite:///{ours}").connect() as source:
        written = {t.name: [dict(r._mapping) for r in source.execute(select(t))] for t in tables}
    assert written["govern_waivers"], "the release has a waiver, so a date and booleans"
    with create_engine(f"sqlite:///{core}").begin() as target:
        for table in tables:
            if written[table.name]:
                target.execute(insert(table), written[table.name])
    for table in tables:
        query = f"SELECT * FROM {table.name} ORDER BY rowid"
        with sqlite3.connect(ours) as a, sqlite3.connect(core) as b:
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), table.name
