"""An independent recomputation of a report's group rates with fairlearn's MetricFrame.

govern computes its metrics from confusion counts (fast, and tested identical to fairlearn); an
auditor may still want the numbers of the report recomputed by the reference library on the
same file, and the outcome recorded. This module needs the `govern[fairlearn]` extra (fairlearn,
pandas, scikit-learn) and is imported only for `--cross-check`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from govern.evidence.fairness import CrossCheck, FairnessReport
from govern.fairness.counts import group_text
from govern.fairness.frame import load

MAX_LISTED = 20


def _metrics() -> dict[str, Callable[..., float]]:
    """fairlearn's (and scikit-learn's) functions for the rates govern writes, by govern's name."""
    from fairlearn import metrics as fm
    from sklearn.metrics import accuracy_score, precision_score

    def precision(y_true: Any, y_pred: Any) -> float:
        return float(precision_score(y_true, y_pred, zero_division=0))

    return {
        "selection_rate": fm.selection_rate,
        "accuracy": accuracy_score,
        "true_positive_rate": fm.true_positive_rate,
        "false_positive_rate": fm.false_positive_rate,
        "false_negative_rate": fm.false_negative_rate,
        "true_negative_rate": fm.true_negative_rate,
        "precision": precision,
    }


def cross_check(path: str, report: FairnessReport) -> CrossCheck:
    """Recompute every group rate of the report with MetricFrame and compare, value for value."""
    loaded = load(path, report, "--cross-check")
    import fairlearn
    from fairlearn.metrics import MetricFrame

    params = report.parameters
    frame, y_true, y_pred = loaded.frame, loaded.y_true, loaded.y_pred
    functions = _metrics()
    compared, differences = 0, []
    for feature in report.features:
        names = [n for n in feature.groups[0].metrics if n in functions] if feature.groups else []
        if params.y_true is None:
            names = [n for n in names if n == "selection_rate"]
        if not names:
            continue
        groups = frame[feature.columns].map(group_text)
        metric = MetricFrame(
            metrics={n: functions[n] for n in names},
            y_true=y_true,
            y_pred=y_pred,
            sensitive_features=groups,
        )
        by_group = metric.by_group
        for group in feature.groups:
            key: Any = tuple(group.values[c] for c in feature.columns)
            key = key[0] if len(key) == 1 else key
            for name in names:
                ours = group.metrics[name].value
                theirs = float(by_group.loc[key, name]) if key in by_group.index else math.nan
                compared += 1
                if not _same(ours, theirs):
                    differences.append(
                        f"{feature.name} {group.group} {name}: govern {ours}, fairlearn {theirs}"
                    )
    version = str(fairlearn.__version__)
    summary = (
        f"identical to fairlearn {version} ({compared} values)"
        if not differences
        else f"{len(differences)} of {compared} values differ from fairlearn {version}"
    )
    return CrossCheck(
        tool="fairlearn",
        version=version,
        compared=compared,
        identical=not differences,
        differences=differences[:MAX_LISTED],
        summary=summary,
    )


def _same(ours: float | None, theirs: float) -> bool:
    """Equal to the last bits that summation order can change; undefined matches NaN."""
    if ours is None:
        return math.isnan(theirs)
    return not math.isnan(theirs) and abs(ours - theirs) <= 1e-12
