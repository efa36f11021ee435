"""Database URLs and engines (SQLite with WAL and BEGIN IMMEDIATE, or Postgres), plain errors."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url

from govern.errors import UsageError
from govern.store.errors import LedgerCorrupt, LedgerError, LedgerUnavailable, NoLedger

DEFAULT_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10
WRITE_OPTION = "govern_write"
# SQLite's fsync policy for the ledger's write-ahead log (docs/ledger.md, "Durability").
SYNCHRONOUS_ENV = "GOVERN_SQLITE_SYNCHRONOUS"
SYNCHRONOUS_MODES = ("NORMAL", "FULL")

Backend = Literal["sqlite", "postgresql"]


def mask(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


@dataclass(frozen=True)
class Target:
    """A parsed database URL, with what messages show of it."""

    url: URL
    backend: Backend
    display: str
    path: Path | None

    @property
    def postgres(self) -> bool:
        return self.backend == "postgresql"


def parse(url: str) -> Target:
    """Accept SQLite and Postgres URLs; `postgres://` and `postgresql://` mean psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise UsageError(
            f"{mask(url)!r} is not a database URL; use sqlite:///path/to/ledger.db or "
            "postgresql+psycopg://user@host:5432/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return Target(parsed, "postgresql", parsed.render_as_string(hide_password=True), None)
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise UsageError(
                f"{url!r}: the ledger must be a SQLite file (sqlite:///path/to/ledger.db)"
            )
        path = Path(database)
        return Target(parsed, "sqlite", f"sqlite:///{path}", path)
    raise UsageError(f"{mask(url)}: govern keeps its ledger in SQLite or PostgreSQL, not {backend}")


def connect(target: Target, *, write: bool, timeout: float) -> Engine:
    """An engine whose connections wait `timeout` seconds for locks instead of failing at once."""
    if target.path is not None:
        if not write and not target.path.is_file():
            raise NoLedger(
                f"no ledger at {target.path}: nothing has been recorded there yet "
                "(record with `govern check --record`, or point --db / GOVERN_DATABASE_URL at it)"
            )
        engine = create_engine(target.url, connect_args={"timeout": timeout})
        _configure_sqlite(engine, write=write, timeout=timeout, synchronous=synchronous())
        return engine
    args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "govern"}
    return create_engine(target.url, connect_args=args)


def synchronous() -> str:
    """NORMAL unless GOVERN_SQLITE_SYNCHRONOUS asks for FULL.

    In WAL mode NORMAL never corrupts the ledger and loses nothing when govern or the machine's
    applications crash; only a power cut or OS crash may drop the last commits before the next
    checkpoint (and the chain still verifies: it ends earlier). FULL also fsyncs every commit.
    """
    mode = os.environ.get(SYNCHRONOUS_ENV, "NORMAL").strip().upper()
    if mode not in SYNCHRONOUS_MODES:
        raise UsageError(f"{SYNCHRONOUS_ENV}={mode!r}: use NORMAL or FULL")
    return mode


def _configure_sqlite(engine: Engine, *, write: bool, timeout: float, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN IMMEDIATE below is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if write:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute(f"PRAGMA synchronous = {synchronous}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A writer takes the write lock before reading the chain head, so no two writers can
        # read the same head; readers see one consistent snapshot and never block writers.
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def translated(target: Target, action: str, timeout: float) -> Iterator[None]:
    """Turn driver errors into one-line messages that name the database and what to do."""
    try:
        yield
    except exc.DBAPIError as error:
        raise describe(error, target, action, timeout) from error
    except exc.SQLAlchemyError as error:
        raise LedgerError(f"{target.display}: {action} failed: {error}") from error


def describe(error: exc.DBAPIError, target: Target, action: str, timeout: float) -> LedgerError:
    lines = str(error.orig).strip().splitlines()
    detail = lines[0] if lines else type(error.orig).__name__
    low = detail.lower()
    where = target.display
    unchanged = "the ledger is unchanged"
    if target.path is not None:
        if "locked" in low or "busy" in low:
            return LedgerUnavailable(
                f"{where} is locked by another process (waited up to {timeout:g} s); {action} "
                f"did not happen and {unchanged}. Try again when the other govern run has finished"
            )
        if "not a database" in low or "malformed" in low or "corrupt" in low:
            return LedgerCorrupt(
                f"{where} is not a SQLite database or is damaged ({detail}); govern did not "
                "change it. Restore it from a backup, or use another --db"
            )
        if "readonly" in low or "read-only" in low:
            return LedgerUnavailable(f"{where} is read-only; {action} needs write access")
        if "unable to open" in low:
            return LedgerUnavailable(
                f"cannot open {where}: check that its folder exists and is writable"
            )
        return LedgerError(f"{where}: {action} failed ({detail}); {unchanged}")
    if "lock timeout" in low:
        return LedgerUnavailable(
            f"{where}: another process held the ledger lock for over {timeout:g} s; {action} did "
            f"not happen and {unchanged}. Try again"
        )
    if isinstance(error, exc.OperationalError) and _is_connection_failure(low, error):
        return LedgerUnavailable(
            f"cannot reach {where}: {detail}. Check that the server is running and the URL "
            "(--db or GOVERN_DATABASE_URL) is right"
        )
    return LedgerError(f"{where}: {action} failed ({detail}); {unchanged}")


def _is_connection_failure(message: str, error: exc.DBAPIError) -> bool:
    words = ("connect", "connection", "timeout", "authentication", "does not exist", "resolve")
    return error.connection_invalidated or any(word in message for word in words)
