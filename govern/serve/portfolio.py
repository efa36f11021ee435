"""What the portfolio page says about each system, from its latest recorded Assessment alone.

Pure functions over the Assessment and the ledger's history entries; `today` is passed in, so
"within 30 days" is the same answer in a test as on the day it ran.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from govern.engine.assessment import Assessment, RuleResult, WaiverInfo
from govern.engine.incidents import IncidentSummary

FAILING = ("fail", "error")
WAIVER_WINDOW = dt.timedelta(days=30)
OBLIGATION_WINDOW = dt.timedelta(days=90)
TREND_RUNS = 10
SORT_CHOICES = (
    ("name", "system name"),
    ("verdict", "verdict (failing first)"),
    ("failing", "failing blocking controls"),
    ("insufficient", "insufficient evidence"),
    ("waivers", "expiring waivers"),
    ("incidents", "open incidents"),
    ("recorded", "time recorded"),
)
SORT_KEYS = tuple(key for key, _ in SORT_CHOICES)


@dataclass(frozen=True)
class TrendPoint:
    run_id: int
    failures: int
    verdict: str


@dataclass(frozen=True)
class SystemRow:
    """One line of the portfolio."""

    id: str
    name: str
    version: str
    runs: int
    run_id: int
    recorded_at: dt.datetime | None
    verdict: str
    tier: str
    tier_label: str
    frameworks: tuple[str, ...]
    owners: tuple[str, ...]
    failing_blocking: tuple[RuleResult, ...]
    insufficient: tuple[RuleResult, ...]
    expiring_waivers: tuple[WaiverInfo, ...]
    open_incidents: tuple[IncidentSummary, ...]
    upcoming: tuple[RuleResult, ...]
    trend: tuple[TrendPoint, ...]


def failing_blocking(assessment: Assessment) -> tuple[RuleResult, ...]:
    return tuple(r for r in assessment.results if r.blocking and r.status in FAILING)


def insufficient(assessment: Assessment) -> tuple[RuleResult, ...]:
    return tuple(r for r in assessment.results if r.status == "insufficient_evidence")


def expiring_waivers(assessment: Assessment, today: dt.date) -> tuple[WaiverInfo, ...]:
    """Waivers still waiving today that stop within 30 days (an expired one is a failure)."""
    return tuple(
        w
        for w in assessment.waivers
        if w.expires is not None
        and w.state in ("active", "expiring")
        and today <= w.expires <= today + WAIVER_WINDOW
    )


def open_incidents(assessment: Assessment) -> tuple[IncidentSummary, ...]:
    return tuple(i for i in assessment.incidents if i.open)


def upcoming(assessment: Assessment, today: dt.date) -> tuple[RuleResult, ...]:
    """Rules whose obligation comes into force after today and within 90 days."""
    return tuple(
        r
        for r in assessment.results
        if r.effective is not None and today < r.effective.applies_from <= today + OBLIGATION_WINDOW
    )


def owners(assessment: Assessment) -> tuple[str, ...]:
    """The people accountable on record: who attested the system's controls.

    The manifest has no owner field; the attesters are the names an officer would call.
    """
    return tuple(sorted({a.attested_by for a in assessment.attestations if a.attested_by}))


def row(
    assessment: Assessment,
    runs: int,
    run_id: int,
    recorded_at: dt.datetime | None,
    trend: Sequence[TrendPoint],
    today: dt.date,
) -> SystemRow:
    return SystemRow(
        id=assessment.system.id,
        name=assessment.system.name,
        version=assessment.system.version,
        runs=runs,
        run_id=run_id,
        recorded_at=recorded_at,
        verdict=assessment.summary.verdict,
        tier=assessment.classification.tier,
        tier_label=assessment.classification.label,
        frameworks=tuple(assessment.frameworks),
        owners=owners(assessment),
        failing_blocking=failing_blocking(assessment),
        insufficient=insufficient(assessment),
        expiring_waivers=expiring_waivers(assessment, today),
        open_incidents=open_incidents(assessment),
        upcoming=upcoming(assessment, today),
        trend=tuple(trend),
    )


@dataclass(frozen=True)
class Filters:
    """The portfolio's query string: every choice is a link or a GET form, no script."""

    framework: str = ""
    tier: str = ""
    owner: str = ""
    sort: str = "name"
    descending: bool = False

    @classmethod
    def parse(cls, query: dict[str, str]) -> Filters:
        sort = query.get("sort", "name")
        return cls(
            framework=query.get("framework", "")[:100],
            tier=query.get("tier", "")[:100],
            owner=query.get("owner", "")[:200],
            sort=sort if sort in SORT_KEYS else "name",
            descending=query.get("order") == "desc",
        )

    def keeps(self, system: SystemRow) -> bool:
        return (
            (not self.framework or self.framework in system.frameworks)
            and (not self.tier or self.tier == system.tier)
            and (not self.owner or self.owner in system.owners)
        )


def _sort_key(system: SystemRow, sort: str) -> tuple[object, ...]:
    keys: dict[str, object] = {
        "name": system.name.casefold(),
        "verdict": system.verdict != "fail",  # failing first when ascending
        "failing": len(system.failing_blocking),
        "insufficient": len(system.insufficient),
        "waivers": len(system.expiring_waivers),
        "incidents": len(system.open_incidents),
        "recorded": system.recorded_at or dt.datetime.min.replace(tzinfo=dt.UTC),
    }
    return (keys[sort], system.name.casefold(), system.id)


def select(systems: Sequence[SystemRow], filters: Filters) -> list[SystemRow]:
    """The systems the filters keep, in the order asked for."""
    kept = [s for s in systems if filters.keeps(s)]
    return sorted(kept, key=lambda s: _sort_key(s, filters.sort), reverse=filters.descending)
