"""Schema versions: which revision a ledger is at, and alembic upgrades run inside govern's lock."""

from __future__ import annotations

from importlib import resources
from typing import Literal

from sqlalchemy import Connection, inspect, text

from govern.store.errors import LedgerCorrupt, SchemaOutdated, SchemaTooNew

VERSION_TABLE = "govern_schema_version"
# Every revision this govern knows, oldest first; the last is the schema it reads and writes.
# tests/store/test_migrations.py checks this against the scripts.
REVISIONS: tuple[str, ...] = ("0001", "0002")
HEAD = REVISIONS[-1]
# Any number: it only has to be the same in every govern process (pg_advisory_xact_lock key).
_POSTGRES_SCHEMA_LOCK = 0x676F7665726E  # "govern"

State = Literal["current", "empty"]


def script_location() -> str:
    """The alembic scripts, wherever the package is installed; no alembic.ini needed."""
    return str(resources.files("govern.store") / "migrations")


def revision(connection: Connection) -> str | None:
    """The ledger's schema revision, or None when it has no govern tables at all.

    One query and no alembic import: opening a ledger must stay cheap. Only creating or upgrading
    one runs the alembic scripts.
    """
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    query = text(f"SELECT version_num FROM {VERSION_TABLE}")  # noqa: S608 (a constant)
    rows = connection.execute(query).scalars().all()
    return rows[0] if len(rows) == 1 else ",".join(sorted(rows))


def state(connection: Connection, display: str) -> State:
    """Whether the ledger can be used as it is; raise when it must be upgraded first."""
    found = revision(connection)
    if found is None:
        if any(name.startswith("govern_") for name in inspect(connection).get_table_names()):
            raise LedgerCorrupt(
                f"{display} has govern tables but no {VERSION_TABLE} table; it was not made by "
                "govern, or was damaged. Restore it from a backup, or use another --db"
            )
        return "empty"
    ensure_known(found, display)
    if found != HEAD:
        raise SchemaOutdated(
            f"{display} uses ledger schema {found}, made by an older govern; run "
            f"`govern ledger upgrade` (with the same --db) to bring it to {HEAD}. Upgrading keeps "
            "every recorded run"
        )
    return "current"


def ensure_known(found: str, display: str) -> None:
    """Refuse a schema from a newer govern: reading it could misreport, writing could damage it."""
    if found not in REVISIONS:
        raise SchemaTooNew(
            f"{display} uses ledger schema {found}, which this govern does not know (it reads "
            f"{HEAD}); it was made by a newer govern. Upgrade govern to use it"
        )


def lock(connection: Connection) -> None:
    """Serialise schema changes between processes (SQLite: BEGIN IMMEDIATE already does)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_SCHEMA_LOCK}
        )


def upgrade(connection: Connection, target: str = "head") -> None:
    """Run the migrations inside the caller's transaction: all of them happen, or none."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", script_location())
    config.attributes["connection"] = connection
    command.upgrade(config, target)
