"""A portfolio: many systems' assessments judged together, and what an office reads across them.

Pure: the runner (govern.cli.portfolio_run) draws each system's facts from its assessment with
`facts_of`, or keeps the one line that says why it could not be assessed, in the order the systems
were named; nothing here reads a file or the clock, so the same inputs give the same summary
whichever worker finished first.
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


class ExpiringWaiver(Record):
    system: str
    rule: str | None
    expires: dt.date | None
    approved_by: str | None


class GatingRule(Record):
    rule_id: str
    title: str


class ComingObligation(Record):
    """One obligation of one system that starts to apply within the horizon."""

    rule_id: str
    date: dt.date
    basis: str


class SystemFacts(Record):
    """What the portfolio summary needs of one assessment: small, so a worker process hands it
    back cheaply instead of the whole assessment."""

    id: str
    name: str
    version: str
    verdict: Literal["pass", "fail"]
    as_of: dt.date
    counts: dict[str, int]
    gating: list[GatingRule]
    expiring_waivers: list[ExpiringWaiver]
    coming_obligations: list[ComingObligation]


class SystemRun(Record):
    """One system of the portfolio: what its assessment concluded, or the error that stopped it.

    `path` is the folder as the user named it (or as `--all` found it). `parts` holds this
    system's share of each requested output, rendered where it was assessed (a worker process);
    `assessment_json` is the assessment itself, carried only when it is to be recorded.
    """

    path: str
    facts: SystemFacts | None = None
    error: str | None = None
    parts: dict[str, str] = {}
    assessment_json: str | None = None
    # Where the system was read from (its folder, every file read, its packs' folders): for the
    # caller's ledger and output checks only; no output shows them.
    root: str | None = None
    inputs: tuple[str, ...] = ()
    input_folders: tuple[str, ...] = ()

    @property
    def verdict(self) -> SystemVerdict:
        return "broken" if self.facts is None else self.facts.verdict

    @property
    def exit_code(self) -> int:
        return {"pass": EXIT_PASS, "fail": EXIT_FAIL, "broken": EXIT_BROKEN}[self.verdict]


class RecurringFailure(Record):
    rule_id: str
    title: str
    systems: int


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
    facts = [s.facts for s in systems if s.facts is not None]
    verdicts = Counter(s.verdict for s in systems)
    return PortfolioSummary(
        systems=len(systems),
        verdicts={verdict: verdicts.get(verdict, 0) for verdict in VERDICTS},
        exit_code=max((s.exit_code for s in systems), default=EXIT_PASS),
        as_of=facts[0].as_of if facts else None,
        recurring_failures=recurring_failures(facts),
        expiring_waivers=sorted(
            (w for f in facts for w in f.expiring_waivers),
            key=lambda w: (w.expires or dt.date.max, w.system, w.rule or ""),
        ),
        upcoming_obligations=upcoming_obligations(facts),
    )


def facts_of(assessment: Assessment, horizon_days: int = OBLIGATION_HORIZON_DAYS) -> SystemFacts:
    """The facts of one assessment the portfolio summary draws on."""
    gating = set(assessment.summary.gating)
    system = assessment.system
    return SystemFacts(
        id=system.id,
        name=system.name,
        version=system.version,
        verdict=assessment.summary.verdict,
        as_of=assessment.options.as_of,
        counts=dict(assessment.summary.counts),
        gating=[
            GatingRule(rule_id=r.rule_id, title=r.title)
            for r in assessment.results
            if r.rule_id in gating
        ],
        # The engine's own "expiring" state: still waiving, lapsing within its window.
        expiring_waivers=[
            ExpiringWaiver(
                system=system.id, rule=w.rule, expires=w.expires, approved_by=w.approved_by
            )
            for w in assessment.waivers
            if w.state == "expiring"
        ],
        coming_obligations=coming_obligations(assessment, horizon_days),
    )


def coming_obligations(assessment: Assessment, horizon_days: int) -> list[ComingObligation]:
    """Obligations that apply to the system and come into force after its assessment date,
    within `horizon_days` (the packs' application dates, under the calendar the run applied)."""
    as_of = assessment.options.as_of
    horizon = as_of + dt.timedelta(days=horizon_days)
    return [
        ComingObligation(
            rule_id=r.rule_id, date=r.effective.applies_from, basis=applied_basis(r.effective)
        )
        for r in assessment.results
        if r.effective is not None
        and r.status != "not_applicable"
        and as_of < r.effective.applies_from <= horizon
    ]


def recurring_failures(
    facts: list[SystemFacts], limit: int = RECURRING_LIMIT
) -> list[RecurringFailure]:
    """The gating rules failing in the most systems, most first, ties by rule id."""
    counts: Counter[str] = Counter()
    titles: dict[str, str] = {}
    for system in facts:
        counts.update({rule.rule_id for rule in system.gating})
        titles.update({rule.rule_id: rule.title for rule in system.gating})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [RecurringFailure(rule_id=r, title=titles[r], systems=n) for r, n in ranked]


def upcoming_obligations(facts: list[SystemFacts]) -> list[UpcomingObligation]:
    """Each system's coming obligations, grouped by date and legal basis, soonest first."""
    rules: defaultdict[tuple[dt.date, str], set[str]] = defaultdict(set)
    systems: defaultdict[tuple[dt.date, str], set[str]] = defaultdict(set)
    for system in facts:
        for coming in system.coming_obligations:
            key = (coming.date, coming.basis)
            rules[key].add(coming.rule_id)
            systems[key].add(system.id)
    return [
        UpcomingObligation(
            date=date, basis=basis, rules=sorted(rules[key]), systems=sorted(systems[key])
        )
        for key in sorted(rules)
        for date, basis in [key]
    ]
