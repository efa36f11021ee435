"""`govern ledger upgrade` on a ledger written before content-addressed parts (schema 0001, row
format 1): the chain and every run survive, and new runs are appended after them."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, insert, text

from govern.engine.assessment import Assessment
from govern.store import migrate
from govern.store.chain import Anchor
from govern.store.errors import SchemaOutdated
from govern.store.ledger import Ledger
from tests.conftest import REPO, CliResult
from tests.store.conftest import Release, execute

Run = Callable[..., CliResult]

FIXTURE = REPO / "tests" / "data" / "store" / "ledger-schema-0001.db"
# The chain hashes govern printed when it recorded the fixture's runs (see tests/data/README.md).
ANCHORS = (
    "1:841c3e148738a3d1b871c27ccd3a1cd40f14c4fa048425ce78236178518bbc1a",
    "2:a7932eb8a6eabc2ceeb12740f982225d13d8303fcd7f1fc1e40b8c671732cda7",
)
# Parents before children, so that foreign keys hold while rows are copied.
TABLES = (
    "govern_systems",
    "govern_assessments",
    "govern_findings",
    "govern_evidence",
    "govern_waivers",
    "govern_fairness",
)


def _fixture_documents() -> dict[int, bytes]:
    """Each run's assessment JSON exactly as the old govern stored it."""
    with sqlite3.connect(FIXTURE) as conn:
        rows = conn.execute("SELECT id, document FROM govern_assessments").fetchall()
    return {run_id: zlib.decompress(document) for run_id, document in rows}


def _copy_to_postgres(url: str) -> None:
    """The fixture's rows in a Postgres schema at revision 0001, as the old govern made it."""
    source = create_engine(f"sqlite:///{FIXTURE}")
    target = create_engine(url)
    try:
        tables = MetaData()
        tables.reflect(source, only=TABLES)
        with target.begin() as conn:
            migrate.upgrade(conn, "0001")
            with source.connect() as old:
                for name in TABLES:
                    rows = [
                        _utc(dict(r)) for r in old.execute(tables.tables[name].select()).mappings()
                    ]
                    if rows:
                        conn.execute(insert(tables.tables[name]), rows)
                head = old.execute(text("SELECT run_id, chain_hash FROM govern_chain_head")).one()
            conn.execute(
                text("UPDATE govern_chain_head SET run_id = :run, chain_hash = :hash"),
                {"run": head.run_id, "hash": head.chain_hash},
            )
    finally:
        source.dispose()
        target.dispose()


def _utc(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite gives times back without their zone; the ledger wrote them in UTC."""
    return {
        key: value.replace(tzinfo=dt.UTC) if isinstance(value, dt.datetime) else value
        for key, value in row.items()
    }


@pytest.fixture
def old_ledger(db_url: str, tmp_path: Path) -> str:
    """The fixture ledger on the backend under test, not upgraded yet."""
    if db_url.startswith("sqlite"):
        copy = tmp_path / "old.db"
        shutil.copyfile(FIXTURE, copy)
        return f"sqlite:///{copy}"
    _copy_to_postgres(db_url)
    return db_url


def test_upgrade_keeps_the_chain_and_every_run(
    old_ledger: str, run_cli: Run, releases: dict[str, Release]
) -> None:
    with pytest.raises(SchemaOutdated, match="govern ledger upgrade"):
        Ledger.open(old_ledger)
    result = run_cli("ledger", "upgrade", "--db", old_ledger)
    assert result.code == 0, result.err
    assert "from schema 0001 to 0002" in result.out and "2 run(s), chain intact" in result.out

    documents = _fixture_documents()
    with Ledger.open(old_ledger) as ledger:
        assert ledger.verify([Anchor.parse(a) for a in ANCHORS]).valid
        for run_id, document in documents.items():
            snapshot = ledger.snapshot(run_id)
            assert snapshot.assessment == Assessment.model_validate_json(document)
        assert len(ledger.snapshot(1).fairness) == 30
        assert [e.run_id for e in ledger.history("credit-risk-scorer")] == [1]

    with Ledger.open(old_ledger, write=True) as ledger:
        added = ledger.append(releases["v1"].assessment, releases["v1"].fairness)
        assert added.run_id == 3
        assert ledger.verify([Anchor.parse(a) for a in ANCHORS]).valid
        assert ledger.snapshot(3).assessment == releases["v1"].assessment
    assert execute(old_ledger, "SELECT id, row_format FROM govern_assessments ORDER BY id") == [
        (1, 1),
        (2, 1),
        (3, 2),
    ]


def test_an_upgraded_old_row_still_catches_an_edit(old_ledger: str, run_cli: Run) -> None:
    assert run_cli("ledger", "upgrade", "--db", old_ledger).code == 0
    forged = zlib.compress(_fixture_documents()[2].replace(b'"pass"', b'"fail"', 1))
    execute(
        old_ledger,
        "UPDATE govern_assessments SET document = :doc WHERE id = 2",
        params={"doc": forged},
    )
    result = run_cli("ledger", "verify", "--db", old_ledger)
    assert result.code == 1 and "run 2 edited: its assessment document was changed" in result.out


def test_an_old_row_cannot_be_given_parts(old_ledger: str, run_cli: Run) -> None:
    """`parts` is hashed for format 2 rows; on a format 1 row any value is an edit."""
    assert run_cli("ledger", "upgrade", "--db", old_ledger).code == 0
    execute(old_ledger, "UPDATE govern_assessments SET parts = '{}' WHERE id = 1")
    result = run_cli("ledger", "verify", "--db", old_ledger)
    assert result.code == 1 and "run 1 edited: its columns" in result.out
