"""A portfolio: many systems' assessments judged together, and what an office reads across them.

Pure: the runner (govern.cli.portfolio) hands in each system's assessment, or the one line that
says why it could not be assessed, in the order the systems were named; nothing here reads a file
or the clock, so the same inputs give the same document whichever worker finished first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Literal

from govern.engine.assessment import Assessment
from govern.engine.law import applied_basis
from govern.evidence.base import Record

PORTFOLIO_FORMAT: Literal["govern.portfolio/1"] = "govern.portfolio/1"
# Exit codes, worst last: a broken system (bad manifest, unreadable evidence) outranks a failure.
EXIT_PASS, EXIT_FAIL, EXIT_BROKEN = 0, 1, 2
WAIVER_HORIZON_DAYS = 30  # the engine's own "expiring" window (govern.engine.waivers)
OBLIGATION_HORIZON_DAYS = 90
RECURRING_LIMIT = 10

SystemVerdict = Literal["pass", "fail", "broken"]
VERDICTS: tuple[SystemVerdict, ...] = ("pass", "fail", "broken")


class SystemRun(Record):
    """One system of the portfolio: its assessment, or the error that stopped it.

    `path` is the folder as the user named it (or as `--all` found it); `base_path` is its
    folder under the repository root, for outputs that place findings in repository files.
    """

    path: str
    base_path: str = ""
    assessment: Assessment | None = None
    error: str | None = None
    # Where the system was read from (its folder, every file read, its packs' folders): for the
    # caller's ledger and output checks only; no output shows them.
    root: str | None = None
    inputs: tuple[str, ...] = ()
    input_folders: tuple[str, ...] = ()

    @property
    def verdict(self) -> SystemVerdict:
        if self.assessment is None:
            return "broken"
        return self.assessment.summary.verdict

    @property
    def exit_code(self) -> int:
        return {"pass": EXIT_PASS, "fail": EXIT_FAIL, "broken": EXIT_BROKEN}[self.verdict]

    @property
    def label(self) -> str:
        """The system's id when it was read, else its folder."""
        return self.assessment.system.id if self.assessment is not None else self.path


class RecurringFailure(Record):
    rule_id: str
    title: str
    systems: int


class ExpiringWaiver(Record):
    system: str
    rule: str | None
    expires: dt.date | None
    approved_by: str | None


class UpcomingObligation(Record):
    """Obligations that start to apply on one date, on one legal basis, across the portfolio."""

    date: dt.date
    basis: str
    rules: list[str]
    systems: list[str]


class PortfolioSummary(Record):
    systems: int
    verdicts: dict[str, int]
    exit_code: int
    as_of: dt.date | None
    recurring_failures: list[RecurringFailure]
    expiring_waivers: list[ExpiringWaiver]
    waiver_horizon_days: int = WAIVER_HORIZON_DAYS
    upcoming_obligations: list[UpcomingObligation]
    obligation_horizon_days: int = OBLIGATION_HORIZON_DAYS


class Portfolio(Record):
    """What every portfolio output renders: the systems in input order, and their summary."""

    format: Literal["govern.portfolio/1"] = PORTFOLIO_FORMAT
    systems: list[SystemRun]
    summary: PortfolioSummary


def build_portfolio(systems: list[SystemRun]) -> Portfolio:
    """The portfolio of `systems`, kept in the order given."""
    return Portfolio(systems=systems, summary=summarize_portfolio(systems))


def summarize_portfolio(systems: list[SystemRun]) -> PortfolioSummary:
    """Systems by verdict, the worst exit code, and what recurs or falls due across them."""
    assessed = [s.assessment for s in systems if s.assessment is not None]
    as_of = assessed[0].options.as_of if assessed else None
    verdicts = Counter(s.verdict for s in systems)
    return PortfolioSummary(
        systems=len(systems),
        verdicts={verdict: verdicts.get(verdict, 0) for verdict in VERDICTS},
        exit_code=max((s.exit_code for s in systems), default=EXIT_PASS),
        as_of=as_of,
        recurring_failures=recurring_failures(assessed),
        expiring_waivers=expiring_waivers(assessed),
        upcoming_obligations=upcoming_obligations(assessed),
    )


def recurring_failures(
    assessments: list[Assessment], limit: int = RECURRING_LIMIT
) -> list[RecurringFailure]:
    """The gating rules failing in the most systems, most first, ties by rule id."""
    counts: Counter[str] = Counter()
    titles: dict[str, str] = {}
    for assessment in assessments:
        gating = set(assessment.summary.gating)
        counts.update(gating)
        titles.update({r.rule_id: r.title for r in assessment.results if r.rule_id in gating})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [RecurringFailure(rule_id=r, title=titles[r], systems=n) for r, n in ranked]


def expiring_waivers(assessments: list[Assessment]) -> list[ExpiringWaiver]:
    """Waivers that still waive but lapse within the engine's expiring window, soonest first."""
    found = [
        ExpiringWaiver(
            system=a.system.id, rule=w.rule, expires=w.expires, approved_by=w.approved_by
        )
        for a in assessments
        for w in a.waivers
        if w.state == "expiring"
    ]
    return sorted(found, key=lambda w: (w.expires or dt.date.max, w.system, w.rule or ""))


def upcoming_obligations(
    assessments: list[Assessment], horizon_days: int = OBLIGATION_HORIZON_DAYS
) -> list[UpcomingObligation]:
    """Obligations that apply to a system and come into force after its assessment date, within
    `horizon_days`, grouped by date and legal basis (the packs' application dates, under the
    calendar the run applied)."""
    rules: defaultdict[tuple[dt.date, str], set[str]] = defaultdict(set)
    systems: defaultdict[tuple[dt.date, str], set[str]] = defaultdict(set)
    for assessment in assessments:
        as_of = assessment.options.as_of
        horizon = as_of + dt.timedelta(days=horizon_days)
        for result in assessment.results:
            effective = result.effective
            if effective is None or result.status == "not_applicable":
                continue
            if as_of < effective.applies_from <= horizon:
                key = (effective.applies_from, applied_basis(effective))
                rules[key].add(result.rule_id)
                systems[key].add(assessment.system.id)
    return [
        UpcomingObligation(
            date=date, basis=basis, rules=sorted(rules[key]), systems=sorted(systems[key])
        )
        for key in sorted(rules)
        for date, basis in [key]
    ]
