"""The ledger of recorded assessments: append-only, hash-chained, in SQLite or Postgres."""

from __future__ import annotations

import dataclasses
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

    `system_dir` is the folder of the assessed govern.yaml: the default ledger lives there, and the
    fairness reports the assessment read are re-read from there for their numbers (only if their
    sha256 is still the one assessed; otherwise RecordedRun.warnings says why they are missing).
    The caller should give --db the env var GOVERN_DATABASE_URL; this function reads no
    environment. Raises a govern.store.errors.LedgerError subclass when nothing could be recorded.
    """
    # Imported here so that `govern check` without --record never loads the database libraries.
    from govern.store.fairness import read_assessed_reports
    from govern.store.ledger import Ledger

    url = db_url or default_url(system_dir)
    if db_url is None:
        (system_dir / ".govern").mkdir(parents=True, exist_ok=True)
    metrics, warnings = read_assessed_reports(assessment, system_dir)
    with Ledger.open(url, write=True, timeout=timeout) as ledger:
        run = ledger.append(assessment, metrics, **({"now": now} if now else {}))
    return dataclasses.replace(run, warnings=tuple(warnings))
