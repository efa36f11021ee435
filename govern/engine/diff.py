"""What changed between two assessments: new failures, fixed rules, waivers, fairness that moved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from govern.engine.assessment import Assessment, RuleResult
from govern.engine.disparities import FairnessMetric, by_key, higher_is_better

BAD_STATUSES = ("fail", "error", "insufficient_evidence", "needs_attestation")
# How bad a status is; a change to a higher rank is a regression. None: the rule was not assessed.
_RANK = {None: 0, "pass": 0, "not_applicable": 0, "waived": 1, "needs_attestation": 2}
_RANK.update({"error": 3, "fail": 3, "insufficient_evidence": 3})
DEFAULT_TOLERANCE = 0.02


@dataclass(frozen=True)
class Snapshot:
    """One side of a comparison: an assessment and what the ledger knows beside it.

    `fairness` is None when the metrics are unknown (an assessment JSON file does not carry them),
    which is not the same as a run that had no fairness report (an empty list).
    """

    label: str
    assessment: Assessment
    fairness: list[FairnessMetric] | None
    run_id: int | None = None
    recorded_at: dt.datetime | None = None


@dataclass(frozen=True)
class Side:
    label: str
    system_id: str
    version: str
    verdict: str
    as_of: dt.date
    run_id: int | None
    recorded_at: dt.datetime | None


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    title: str
    severity: str
    before: str | None
    after: str | None
    worse: bool
    message: str


@dataclass(frozen=True)
class WaiverExpiry:
    rule: str | None
    expires: dt.date | None
    before: str | None
    approved_by: str | None


@dataclass(frozen=True)
class FairnessMove:
    report: str
    feature: str
    metric: str
    method: str
    before: float | None
    after: float | None
    worse: bool

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 10)


@dataclass(frozen=True)
class Diff:
    before: Side
    after: Side
    tolerance: float
    new_failures: list[RuleChange] = field(default_factory=list)
    fixed: list[RuleChange] = field(default_factory=list)
    changed: list[RuleChange] = field(default_factory=list)
    expired_waivers: list[WaiverExpiry] = field(default_factory=list)
    fairness: list[FairnessMove] = field(default_factory=list)
    fairness_note: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def verdict_worse(self) -> bool:
        return self.before.verdict == "pass" and self.after.verdict == "fail"

    @property
    def regressions(self) -> int:
        """How many things got worse; `--fail-on-regression` fails when this is not zero."""
        return (
            len(self.new_failures)
            + sum(1 for c in self.changed if c.worse)
            + len(self.expired_waivers)
            + sum(1 for m in self.fairness if m.worse)
            + int(self.verdict_worse)
        )


def compare(before: Snapshot, after: Snapshot, tolerance: float = DEFAULT_TOLERANCE) -> Diff:
    """Compare `after` with `before`; pure, so JSON files and recorded runs compare alike."""
    new_failures, fixed, changed = _rule_changes(before.assessment, after.assessment)
    fairness, note = _fairness(before, after, tolerance)
    notes = []
    if before.assessment.system.id != after.assessment.system.id:
        notes.append(
            f"comparing two different systems: {before.assessment.system.id} and "
            f"{after.assessment.system.id}"
        )
    return Diff(
        before=_side(before),
        after=_side(after),
        tolerance=tolerance,
        new_failures=new_failures,
        fixed=fixed,
        changed=changed,
        expired_waivers=_expired(before.assessment, after.assessment),
        fairness=fairness,
        fairness_note=note,
        notes=notes,
    )


def _side(snapshot: Snapshot) -> Side:
    a = snapshot.assessment
    return Side(
        label=snapshot.label,
        system_id=a.system.id,
        version=a.system.version,
        verdict=a.summary.verdict,
        as_of=a.options.as_of,
        run_id=snapshot.run_id,
        recorded_at=snapshot.recorded_at,
    )


def _rule_changes(
    before: Assessment, after: Assessment
) -> tuple[list[RuleChange], list[RuleChange], list[RuleChange]]:
    old = {r.rule_id: r for r in before.results}
    new = {r.rule_id: r for r in after.results}
    order = [*new, *(rule for rule in old if rule not in new)]
    new_failures, fixed, changed = [], [], []
    for rule_id in order:
        was, now = old.get(rule_id), new.get(rule_id)
        was_status = was.status if was else None
        now_status = now.status if now else None
        if was_status == now_status:
            continue
        shown = now or was
        assert shown is not None
        change = RuleChange(
            rule_id=rule_id,
            title=shown.title,
            severity=shown.severity,
            before=was_status,
            after=now_status,
            worse=_RANK[now_status] > _RANK[was_status],
            message=_message(now, was),
        )
        if now_status in BAD_STATUSES and was_status not in BAD_STATUSES:
            new_failures.append(change)
        elif was_status in BAD_STATUSES and now_status == "pass":
            fixed.append(change)
        else:
            changed.append(change)
    return new_failures, fixed, changed


def _message(now: RuleResult | None, was: RuleResult | None) -> str:
    if now is None:
        return "no longer assessed (the rule is not in the packs applied)"
    if was is None:
        return f"newly assessed: {now.message}"
    return now.message


def _expired(before: Assessment, after: Assessment) -> list[WaiverExpiry]:
    old_states = {w.rule: w.state for w in before.waivers}
    return [
        WaiverExpiry(
            rule=w.rule, expires=w.expires, before=old_states.get(w.rule), approved_by=w.approved_by
        )
        for w in after.waivers
        if w.state == "expired" and old_states.get(w.rule) != "expired"
    ]


def _fairness(
    before: Snapshot, after: Snapshot, tolerance: float
) -> tuple[list[FairnessMove], str | None]:
    unknown = [s.label for s in (before, after) if s.fairness is None]
    if unknown:
        return [], (
            f"fairness metrics not compared: {' and '.join(unknown)} carry none (assessment JSON "
            "does not include the numbers; compare recorded runs to see them)"
        )
    assert before.fairness is not None and after.fairness is not None
    now = by_key(after.fairness)
    moves = []
    for key, old in by_key(before.fairness).items():
        new = now.get(key)
        new_value = new.value if new else None
        if old.value is None and new_value is None:
            continue
        if old.value is not None and new_value is not None:
            delta = round(new_value - old.value, 10)
            if abs(delta) <= tolerance:
                continue
            better_up = higher_is_better(old.metric)
            worse = better_up is not None and (delta < 0 if better_up else delta > 0)
        else:
            worse = new_value is None  # a disparity no longer measured hides how it moved
        moves.append(
            FairnessMove(
                report=old.report,
                feature=old.feature,
                metric=old.metric,
                method=old.method,
                before=old.value,
                after=new_value,
                worse=worse,
            )
        )
    return moves, None
