"""Migrations: the revisions build the tables, older ledgers upgrade without losing a run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from govern.store import migrate
from govern.store.errors import LedgerCorrupt, SchemaOutdated, SchemaTooNew
from govern.store.ledger import Ledger
from govern.store.tables import metadata
from tests.conftest import CliResult
from tests.store.conftest import Release, execute

Run = Callable[..., CliResult]

NEXT_REVISION = '''"""Test-only revision: what a later govern adding a column looks like."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("govern_assessments") as batch:
        batch.add_column(sa.Column("signature", sa.Text(), nullable=True))


def downgrade() -> None:
    raise RuntimeError("never")
'''


def test_revisions_constant_matches_the_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", migrate.script_location())
    scripts = ScriptDirectory.from_config(config)
    history = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert tuple(history) == migrate.REVISIONS
    assert scripts.get_current_head() == migrate.HEAD


def test_revisions_create_exactly_the_tables(db_url: str, releases: dict[str, Release]) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with Ledger.open(db_url, write=True) as ledger:
        ledger.append(releases["v1"].assessment)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            opts = {"compare_type": True, "version_table": migrate.VERSION_TABLE}
            context = MigrationContext.configure(conn, opts=opts)
            assert compare_metadata(context, metadata) == []
            assert migrate.revision(conn) == migrate.HEAD
    finally:
        engine.dispose()


@pytest.fixture
def next_govern(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Switch this process to a govern whose schema has one more revision than this one."""
    scripts = tmp_path / "migrations"
    shutil.copytree(
        migrate.script_location(), scripts, ignore=shutil.ignore_patterns("__pycache__")
    )
    (scripts / "versions" / "0003_signature.py").write_text(NEXT_REVISION)

    def switch() -> None:
        monkeypatch.setattr(migrate, "REVISIONS", (*migrate.REVISIONS, "0003"))
        monkeypatch.setattr(migrate, "HEAD", "0003")
        monkeypatch.setattr(migrate, "script_location", lambda: str(scripts))

    return switch


def test_older_ledger_asks_for_upgrade_then_keeps_every_run(
    db_url: str, releases: dict[str, Release], next_govern: Callable[[], None], run_cli: Run
) -> None:
    with Ledger.open(db_url, write=True) as ledger:
        for name in ("v1", "v2", "v2w"):
            ledger.append(releases[name].assessment, releases[name].fairness)
    next_govern()

    with pytest.raises(SchemaOutdated, match="run `govern ledger upgrade`"):
        Ledger.open(db_url, write=True)
    refused = run_cli("history", "--db", db_url)
    assert refused.code == 2 and "made by an older govern" in refused.err

    result = run_cli("ledger", "upgrade", "--db", db_url)
    assert result.code == 0, result.err
    assert "from schema 0002 to 0003" in result.out and "3 run(s), chain intact" in result.out
    assert execute(db_url, "SELECT count(*) FROM govern_assessments WHERE signature IS NULL") == [
        (3,)
    ]
    with Ledger.open(db_url, write=True) as ledger:
        assert ledger.append(releases["v3"].assessment).run_id == 4
        assert ledger.verify().valid
    again = run_cli("ledger", "upgrade", "--db", db_url)
    assert again.code == 0 and "already at schema 0003" in again.out


def test_failed_upgrade_changes_nothing(
    db_url: str,
    releases: dict[str, Release],
    next_govern: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Ledger.open(db_url, write=True) as ledger:
        ledger.append(releases["v1"].assessment)
    next_govern()
    scripts = Path(migrate.script_location())
    (scripts / "versions" / "0003_signature.py").write_text(
        NEXT_REVISION.replace(
            '        batch.add_column(sa.Column("signature", sa.Text(), nullable=True))',
            '        batch.add_column(sa.Column("signature", sa.Text(), nullable=True))\n'
            '    op.execute("SELECT no_such_column FROM govern_assessments")',
        )
    )
    with pytest.raises(Exception, match="no_such_column"):
        Ledger.upgrade_schema(db_url)
    assert execute(db_url, f"SELECT version_num FROM {migrate.VERSION_TABLE}") == [("0002",)]
    monkeypatch.setattr(migrate, "REVISIONS", ("0001", "0002"))
    monkeypatch.setattr(migrate, "HEAD", "0002")
    with Ledger.open(db_url) as ledger:
        assert ledger.verify().valid


def test_ledger_from_a_newer_govern_is_refused(
    db_url: str, releases: dict[str, Release], run_cli: Run
) -> None:
    with Ledger.open(db_url, write=True) as ledger:
        ledger.append(releases["v1"].assessment)
    execute(db_url, f"UPDATE {migrate.VERSION_TABLE} SET version_num = '0099'")
    with pytest.raises(SchemaTooNew, match="made by a newer govern"):
        Ledger.open(db_url, write=True)
    result = run_cli("ledger", "upgrade", "--db", db_url)
    assert result.code == 2 and "newer govern" in result.err
    assert execute(db_url, "SELECT count(*) FROM govern_assessments") == [(1,)]


def test_govern_tables_without_a_version_are_not_touched(
    db_url: str, releases: dict[str, Release]
) -> None:
    with Ledger.open(db_url, write=True) as ledger:
        ledger.append(releases["v1"].assessment)
    execute(db_url, f"DROP TABLE {migrate.VERSION_TABLE}")
    with pytest.raises(LedgerCorrupt, match="no govern_schema_version table"):
        Ledger.open(db_url, write=True)
    assert execute(db_url, "SELECT count(*) FROM govern_assessments") == [(1,)]
