"""`--metric NAME`: any scikit-learn or fairlearn metric, per group, through MetricFrame.

govern's own metrics are computed from counts; the long tail (f1, balanced accuracy, Brier score,
log loss, calibration error) is left to the libraries that define them. Names are looked up only
among metric functions of fairlearn.metrics and sklearn.metrics (plus a few short aliases):
nothing else is reachable from the command line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govern.errors import UsageError
from govern.evidence.fairness import Disparity, FairnessReport, LibraryMetrics, MetricValue
from govern.fairness.counts import group_text
from govern.fairness.frame import load

# Functions of the predicted probability rather than the decision.
SCORE_METRICS = {
    "roc_auc_score",
    "average_precision_score",
    "brier_score_loss",
    "log_loss",
    "expected_calibration_error",
}
ALIASES = {
    "f1": "f1_score",
    "balanced_accuracy": "balanced_accuracy_score",
    "brier_score": "brier_score_loss",
    "brier": "brier_score_loss",
    "calibration_error": "expected_calibration_error",
    "ece": "expected_calibration_error",
    "auc": "roc_auc_score",
}
_METRIC_NAME = re.compile(r"^[a-z][a-z0-9_]*(_score|_loss|_error|_rate|_ratio|_difference)$")
CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Named:
    name: str  # as written in the report: the canonical function name
    function: Callable[..., float]
    on_score: bool


def expected_calibration_error(y_true: Any, score: Any) -> float:
    """Expected calibration error over ten equal-width bins of the score (the usual definition).

    scikit-learn has calibration_curve but no single number, so it is defined here.
    """
    import numpy as np

    truth = np.asarray(y_true, dtype=float)
    prob = np.clip(np.asarray(score, dtype=float), 0.0, 1.0)
    if truth.size == 0:
        return math.nan
    bins = np.minimum((prob * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    total = 0.0
    for b in range(CALIBRATION_BINS):
        mask = bins == b
        if mask.any():
            total += mask.sum() * abs(truth[mask].mean() - prob[mask].mean())
    return float(total / truth.size)


def resolve(name: str) -> Named:
    """A metric function by name; a clear error for a name that is not a metric."""
    from fairlearn import metrics as fm
    from sklearn import metrics as skm

    canonical = ALIASES.get(name, name)
    function: Any = None
    if canonical == "expected_calibration_error":
        function = expected_calibration_error
    elif _METRIC_NAME.match(canonical) and not canonical.startswith("make_"):
        function = getattr(fm, canonical, None) or getattr(skm, canonical, None)
    if not callable(function):
        known = ", ".join(sorted(ALIASES))
        raise UsageError(
            f"--metric {name!r} is not a metric function of fairlearn.metrics or "
            f"sklearn.metrics (names end in _score, _loss, _error, _rate; aliases: {known})"
        )
    return Named(canonical, _safe(function, canonical), canonical in SCORE_METRICS)


def _safe(function: Callable[..., Any], name: str) -> Callable[..., float]:
    """Undefined (one class in a group, for ROC AUC) becomes NaN, which the report writes null."""
    import warnings

    def call(y_true: Any, y: Any) -> float:
        kwargs: dict[str, Any] = {}
        if name == "log_loss":
            kwargs["labels"] = [0, 1]
        if name in ("f1_score", "precision_score", "recall_score"):
            kwargs["zero_division"] = 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return float(function(y_true, y, **kwargs))
            except ValueError:
                return math.nan

    return call


def add_metrics(path: str, report: FairnessReport, names: tuple[str, ...]) -> FairnessReport:
    """The report with each named metric per group and overall, and its gaps between groups."""
    if report.parameters.y_true is None:
        raise UsageError("--metric needs --y-true: library metrics compare labels and predictions")
    loaded = load(path, report, "--metric")
    from fairlearn.metrics import MetricFrame

    metrics = [resolve(name) for name in dict.fromkeys(names)]
    if any(m.on_score for m in metrics) and loaded.score is None:
        wanting = ", ".join(m.name for m in metrics if m.on_score)
        raise UsageError(f"--metric {wanting} needs --score: it is computed on the score")
    overall = dict(report.overall)
    features = []
    for feature in report.features:
        groups_frame = loaded.frame[feature.columns].map(group_text)
        frames = {
            m.name: MetricFrame(
                metrics=m.function,
                y_true=loaded.y_true,
                y_pred=loaded.score if m.on_score else loaded.y_pred,
                sensitive_features=groups_frame,
            )
            for m in metrics
        }
        groups = []
        for group in feature.groups:
            key: Any = tuple(group.values[c] for c in feature.columns)
            key = key[0] if len(key) == 1 else key
            added = {
                name: _value(frame.by_group[key] if key in frame.by_group.index else math.nan)
                for name, frame in frames.items()
            }
            groups.append(group.model_copy(update={"metrics": {**group.metrics, **added}}))
        disparities = dict(feature.disparities)
        for name, frame in frames.items():
            overall[name] = _value(frame.overall)
            disparities[f"{name}_difference"] = Disparity(
                between_groups=_value(frame.difference(method="between_groups")),
                to_overall=_value(frame.difference(method="to_overall")),
            )
        features.append(feature.model_copy(update={"groups": groups, "disparities": disparities}))
    import fairlearn
    import sklearn

    provenance = LibraryMetrics(
        names=[m.name for m in metrics],
        fairlearn=str(fairlearn.__version__),
        scikit_learn=str(sklearn.__version__),
    )
    return report.model_copy(
        update={"overall": overall, "features": features, "library_metrics": provenance}
    )


def _value(value: Any) -> MetricValue:
    number = float(value)
    if math.isfinite(number):
        return MetricValue(value=number)
    return MetricValue(value=None, reason="undefined for this group (e.g. only one class)")
