"""The ledger's answers as plain values, free of database types, for the CLI and renderers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from govern.engine.disparities import FairnessMetric

SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class RecordedRun:
    """Where an assessment went: its run id, the chain hash to anchor it by, and any warnings."""

    run_id: int
    chain_hash: str
    system_id: str
    system_version: str
    recorded_at: dt.datetime
    database: str
    warnings: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """`RUN:HASH`: keep it outside the database and `govern ledger verify --anchor` it later."""
        return f"{self.run_id}:{self.chain_hash}"


@dataclass(frozen=True)
class HistoryEntry:
    """One line of `govern history`: a recorded run in brief."""

    run_id: int
    recorded_at: dt.datetime
    system_id: str
    version: str
    verdict: str
    as_of: dt.date
    failures: dict[str, int]
    needs_attestation: int
    waived: int
    fairness: list[FairnessMetric] = field(default_factory=list)


@dataclass(frozen=True)
class SystemSummary:
    id: str
    name: str
    runs: int
    last_run: int
