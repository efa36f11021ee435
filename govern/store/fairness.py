"""Fairness disparities as the ledger keeps them: flat metrics, the worst, which way is worse."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

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


def read_assessed_reports(
    assessment: Assessment, system_dir: Path
) -> tuple[list[FairnessMetric], list[str]]:
    """The metrics of the fairness reports the assessment read, if their bytes are unchanged.

    The Assessment names each report by path and sha256 but does not carry its numbers, so the
    ledger records them beside it, read again from the very bytes that were assessed. A report
    that is gone or whose sha256 differs from the assessed one is left out with a warning:
    recording numbers the assessment did not see would make the ledger lie.
    """
    from govern.errors import GovernError
    from govern.load.documents import load_document
    from govern.load.validation import load_validate

    metrics: list[FairnessMetric] = []
    warnings: list[str] = []
    for record in assessment.evidence:
        if record.kind != "fairness":
            continue
        path = system_dir / record.path
        try:
            document = load_document(path, record.path)
        except (GovernError, OSError):
            warnings.append(
                f"fairness report {record.path} is not readable; its metrics are not recorded"
            )
            continue
        if document.sha256 != record.sha256:
            warnings.append(
                f"fairness report {record.path} changed since it was assessed; "
                "its metrics are not recorded"
            )
            continue
        try:
            report = load_validate(FairnessReport, document)
        except GovernError:
            warnings.append(
                f"fairness report {record.path} is not valid; its metrics are not recorded"
            )
            continue
        metrics.extend(metrics_from_report(record.path, report))
    return metrics, warnings


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
