"""govern_systems against the chain: its rows are not hashed, so verify derives them and compares.

A system row is written once, with its first run, from that run's own (hashed) columns: the
system id and name, and the time it was recorded. Nothing the ledger shows is read from this
table any more (the system list is derived from hashed rows), but a row that disagrees with the
chain is still tampering, and `ledger verify` names the run it should agree with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from govern.store.chain import Problem, canonical_time


@dataclass(frozen=True)
class FirstRun:
    """The hashed facts of a system's first recorded run: what its system row must repeat."""

    run_id: int
    system_name: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class SystemRecord:
    """A row of govern_systems as stored."""

    id: str
    name: str
    first_recorded_at: dt.datetime | None


def systems_problem(
    first_runs: Mapping[str, FirstRun], stored: Iterable[SystemRecord], last_run: int
) -> Problem | None:
    """The first system row that disagrees with the chain, named by the run it belongs to.

    A row for a system no run has (added by hand, or renamed) has no run of its own; it is
    reported against the last run, with the system id in the detail.
    """
    rows = {row.id: row for row in stored}
    for system_id, first in sorted(first_runs.items(), key=lambda item: item[1].run_id):
        row = rows.pop(system_id, None)
        if row is None:
            return Problem(
                first.run_id,
                "edited",
                f"its system row in govern_systems ({system_id!r}) was deleted or renamed",
            )
        if row.name != first.system_name or not _same_time(row.first_recorded_at, first):
            return Problem(
                first.run_id,
                "edited",
                f"its system row in govern_systems ({system_id!r}) was changed: name or first "
                "recorded time differ from the run's",
            )
    if rows:
        return Problem(
            last_run,
            "inserted",
            f"govern_systems has a row for {min(rows)!r}, a system no run records",
        )
    return None


def _same_time(stored: dt.datetime | None, first: FirstRun) -> bool:
    if not isinstance(stored, dt.datetime):
        return False
    return canonical_time(stored) == canonical_time(first.recorded_at)
