"""Fairness disparities of an assessment, flat: as the ledger keeps and `diff` compares them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govern.engine.assessment import Assessment
from govern.evidence.fairness import FairnessReport

# Shown by `govern history`: the fairness gates of the EU AI Act pack look at these two.
KEY_METRICS = ("demographic_parity_ratio", "equalized_odds_difference")
BETWEEN_GROUPS = "between_groups"


@dataclass(frozen=True)
class FairnessMetric:
    """One disparity: `metric` of `feature` in the report at `report`, computed by `method`."""

    report: str
    feature: str
    metric: str
    method: str
    value: float | None
    lower: float | None = None
    upper: float | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.report, self.feature, self.metric, self.method)


def metrics_from_report(path: str, report: FairnessReport) -> list[FairnessMetric]:
    """Every disparity of every feature, in report order."""
    metrics = []
    for feature in report.features:
        for name, disparity in feature.disparities.items():
            for method in ("between_groups", "to_overall"):
                value = getattr(disparity, method)
                if value is None:
                    continue
                ci = value.ci
                metrics.append(
                    FairnessMetric(
                        report=path,
                        feature=feature.name,
                        metric=name,
                        method=method,
                        value=value.value,
                        lower=ci.lower if ci else None,
                        upper=ci.upper if ci else None,
                    )
                )
    return metrics


def metrics_of(assessment: Assessment) -> list[FairnessMetric]:
    """Every disparity of every fairness report the assessment read, from its snapshot.

    An assessment of format 1 carries no fairness snapshot and so yields none.
    """
    return [m for s in assessment.fairness for m in metrics_from_report(s.path, s.report)]


def higher_is_better(metric: str) -> bool | None:
    """Ratios are best at 1 (parity), differences at 0; None when the name says neither."""
    if metric.endswith("_ratio"):
        return True
    if metric.endswith("_difference"):
        return False
    return None


def worst(metrics: Iterable[FairnessMetric]) -> list[FairnessMetric]:
    """For each key metric, the between-groups value furthest from parity across all features."""
    chosen = []
    candidates = [m for m in metrics if m.method == BETWEEN_GROUPS and m.value is not None]
    for name in KEY_METRICS:
        values = [m for m in candidates if m.metric == name]
        if not values:
            continue
        pick = min if higher_is_better(name) else max
        chosen.append(pick(values, key=lambda m: m.value or 0.0))
    return chosen


def by_key(metrics: Sequence[FairnessMetric]) -> dict[tuple[str, str, str, str], FairnessMetric]:
    return {m.key: m for m in metrics}
