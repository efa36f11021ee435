"""Run ids and counts as the databases can hold them: signed 64-bit integers.

A run reference comes from a command line or a CI variable, so it may be any length. SQLite
refuses a bigger Python int with OverflowError and Postgres with a "bigint out of range" error;
both would surface as internal errors, so numbers are bounded here, before any query.
"""

from __future__ import annotations

from govern.store.errors import RunNotFound

# The largest value of an SQLite INTEGER and of a Postgres bigint.
MAX_ROW_ID = 2**63 - 1
MAX_INT32 = 2**31 - 1
_MAX_DIGITS = len(str(MAX_ROW_ID))


def bounded(digits: str, what: str) -> int:
    """The number written in `digits`, or RunNotFound when no ledger could hold it."""
    text = digits.lstrip("0") or "0"
    if not digits.isascii() or not digits.isdigit():
        raise RunNotFound(f"{what} {_short(digits)} is not a whole number")
    if len(text) > _MAX_DIGITS or int(text) > MAX_ROW_ID:
        raise RunNotFound(
            f"{what} {_short(digits)} is larger than any ledger can hold (at most {MAX_ROW_ID})"
        )
    return int(text)


def storable(run_id: int, postgres: bool) -> bool:
    """Whether a run id fits the ledger's id column: INTEGER is 32-bit on Postgres, 64 on SQLite.

    A bigger id cannot name a row, so it is reported as not found rather than sent to Postgres,
    which would refuse the query with "integer out of range".
    """
    return run_id <= (MAX_INT32 if postgres else MAX_ROW_ID)


def capped(count: int) -> int:
    """A row count for LIMIT: one above what a table can hold means "all of them"."""
    return min(count, MAX_ROW_ID)


def _short(digits: str) -> str:
    return digits if len(digits) <= 24 else f"{digits[:10]}...{digits[-6:]} ({len(digits)} digits)"
