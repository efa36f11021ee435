"""The fairness numbers and the gates on them, as the Assessment carries them, for the charts.

The engine records each fairness report it assessed (path, sha256 and content) and, per rule, the
thresholds it puts on disparities; the report draws from those and reads no file.
"""

from __future__ import annotations

from dataclasses import dataclass

from govern.engine.assessment import Assessment, FairnessSnapshot


@dataclass(frozen=True)
class FairnessGate:
    """A rule that gates a disparity metric: `op` is min or max, `ci` the interval mode."""

    rule_id: str
    metric: str
    reference: str
    op: str
    threshold: float
    ci: str


# The report's own name for a fairness report as assessed.
FairnessSource = FairnessSnapshot


def sources(assessment: Assessment) -> tuple[FairnessSource, ...]:
    return tuple(assessment.fairness)


def gates(assessment: Assessment) -> tuple[FairnessGate, ...]:
    """The fairness gates of the rules that applied, with their effective thresholds."""
    return tuple(
        FairnessGate(result.rule_id, g.metric, g.reference, g.op, g.threshold, g.ci)
        for result in assessment.results
        if result.status != "not_applicable"
        for g in result.fairness_gates
    )
