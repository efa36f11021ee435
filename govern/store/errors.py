"""Ledger errors: each names the database (password masked) and what the user can do about it."""

from __future__ import annotations

from govern.errors import GovernError, UsageError


class LedgerError(GovernError):
    """The ledger could not be read or written; nothing was changed."""


class LedgerUnavailable(LedgerError):
    """The database is unreachable, locked by another process, or not writable."""


class LedgerCorrupt(LedgerError):
    """The file is not a database, or not one govern made."""


class SchemaOutdated(LedgerError):
    """The ledger was made by an older govern and needs `govern ledger upgrade` first."""


class SchemaTooNew(LedgerError):
    """The ledger was made by a newer govern than this one."""


class NoLedger(LedgerError):
    """Nothing has been recorded at this location yet."""


class RunNotFound(UsageError):
    """A run reference (id, latest, previous, a JSON file) names nothing that exists."""
