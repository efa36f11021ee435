"""The ledger of recorded assessments: append-only, hash-chained, in SQLite or Postgres."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from govern.engine.assessment import Assessment
from govern.store.runs import HistoryEntry, RecordedRun, SystemSummary

__all__ = ["HistoryEntry", "RecordedRun", "SystemSummary", "default_url", "record"]


def default_url(system_dir: Path) -> str:
    """The embedded default ledger: `.govern/ledger.db` in the system's folder."""
    return f"sqlite:///{(system_dir / '.govern' / 'ledger.db').resolve()}"


def record(
    assessment: Assessment,
    db_url: str | None,
    system_dir: Path,
    *,
    timeout: float = 30.0,
    now: Callable[[], dt.datetime] | None = None,
) -> RecordedRun:
    """Append `assessment` to the ledger at `db_url` (default: the system's own SQLite file).

    The entry point for `govern check --record` and `govern report --record`.

    `system_dir` is the folder of the assessed govern.yaml, where the default ledger lives. The
    fairness numbers come from the Assessment's own snapshot: the store reads no evidence file.
    The caller should give --db the env var GOVERN_DATABASE_URL; this function reads no
    environment. Raises a govern.store.errors.LedgerError subclass when nothing could be recorded.
    """
    # Imported here so that `govern check` without --record never loads the database libraries.
    from govern.engine.disparities import metrics_of
    from govern.store.ledger import Ledger

    url = db_url or default_url(system_dir)
    if db_url is None:
        (system_dir / ".govern").mkdir(parents=True, exist_ok=True)
    with Ledger.open(url, write=True, timeout=timeout) as ledger:
        return ledger.append(assessment, metrics_of(assessment), **({"now": now} if now else {}))
