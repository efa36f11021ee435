"""The web view's reads of the ledger, through govern.store's public API, one session per request.

Each function opens the ledger, reads in short transactions and closes it again, so a page never
holds a lock that a CI runner appending a run would wait on. A recorded run never changes (the
chain would show it), so its parsed snapshot is kept in a small cache keyed by database and run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from govern.engine.diff import Diff, Snapshot, compare
from govern.serve import portfolio
from govern.store.chain import Anchor, ChainReport
from govern.store.ledger import Ledger
from govern.store.runs import HistoryEntry

_CACHE_SIZE = 64


class SnapshotCache:
    """Recently read runs, parsed; bounded, shared by the request threads."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self.size = size
        self._runs: OrderedDict[tuple[str, int], Snapshot] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, ledger: Ledger, run_id: int) -> Snapshot:
        key = (ledger.target.display, run_id)
        with self._lock:
            if key in self._runs:
                self._runs.move_to_end(key)
                return self._runs[key]
        snapshot = ledger.snapshot(run_id)
        with self._lock:
            self._runs[key] = snapshot
            while len(self._runs) > self.size:
                self._runs.popitem(last=False)
        return snapshot


def _trend(entries: list[HistoryEntry]) -> list[portfolio.TrendPoint]:
    return [
        portfolio.TrendPoint(e.run_id, sum(e.failures.values()), e.verdict)
        for e in entries[-portfolio.TREND_RUNS :]
    ]


def systems(url: str, cache: SnapshotCache, today: dt.date) -> list[portfolio.SystemRow]:
    """Every system in the ledger with its latest run, as the portfolio shows it."""
    rows = []
    with Ledger.open(url) as ledger:
        for summary in ledger.systems():
            latest = cache.get(ledger, summary.last_run)
            entries = ledger.history(summary.id, limit=portfolio.TREND_RUNS)
            rows.append(
                portfolio.row(
                    latest.assessment,
                    summary.runs,
                    summary.last_run,
                    latest.recorded_at,
                    _trend(entries),
                    today,
                )
            )
    return rows


@dataclass(frozen=True)
class SystemPage:
    latest: Snapshot
    history: list[HistoryEntry]


def system(url: str, cache: SnapshotCache, system_id: str) -> SystemPage:
    """The system's latest run and its whole history (RunNotFound when it has none)."""
    with Ledger.open(url) as ledger:
        system_id = ledger.pick_system(system_id)
        history = ledger.history(system_id)
        latest = cache.get(ledger, ledger.resolve("latest", system_id))
    return SystemPage(latest, history)


def run(url: str, cache: SnapshotCache, run_id: int) -> Snapshot:
    with Ledger.open(url) as ledger:
        return cache.get(ledger, ledger.resolve(str(run_id), None))


@dataclass(frozen=True)
class ReportRun:
    """A run to render, with its comparison to the newest passing run recorded before it."""

    snapshot: Snapshot
    since_approved: Diff | None


def report_run(url: str, cache: SnapshotCache, run_id: int) -> ReportRun:
    """What `govern report --db` would show for this run: the audit chapter compares it with
    the newest passing run of the system before it (none: the chapter says so)."""
    with Ledger.open(url) as ledger:
        snapshot = cache.get(ledger, ledger.resolve(str(run_id), None))
        history = ledger.history(snapshot.assessment.system.id)
        passing = [e.run_id for e in history if e.run_id < run_id and e.verdict == "pass"]
        approved = cache.get(ledger, max(passing)) if passing else None
    if approved is None:
        return ReportRun(snapshot, None)
    current = Snapshot("this run", snapshot.assessment, None)
    return ReportRun(snapshot, compare(dataclasses.replace(approved, label="approved"), current))


def diff(url: str, cache: SnapshotCache, system_id: str, before: str, after: str) -> Diff:
    """The same comparison as `govern diff BEFORE AFTER --system SYSTEM` (default tolerance)."""
    with Ledger.open(url) as ledger:
        system_id = ledger.pick_system(system_id)
        sides = [cache.get(ledger, ledger.resolve(ref, system_id)) for ref in (before, after)]
    return compare(sides[0], sides[1])


@dataclass(frozen=True)
class Health:
    database: str
    report: ChainReport


def health(url: str, anchors: Sequence[Anchor] = ()) -> Health:
    """`govern ledger verify [--anchor RUN:HASH]` over the whole chain, in one snapshot."""
    with Ledger.open(url) as ledger:
        return Health(ledger.target.display, ledger.verify(anchors))
