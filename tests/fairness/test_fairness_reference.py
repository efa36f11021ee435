"""Every metric and disparity equals fairlearn's on random data, NaN exactly where it has NaN."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    mean_prediction,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.fairness.analysis import Analysis, analyse
from govern.fairness.counts import counts_from_arrays, group_text

# fairlearn and scikit-learn on random data (~20 s).
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]

COUNT_METRICS: dict[str, Callable[..., float]] = {
    "selection_rate": selection_rate,
    "accuracy": skm.accuracy_score,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    "precision": skm.precision_score,
}
REGRESSION_METRICS: dict[str, Callable[..., float]] = {
    "mean_prediction": mean_prediction,
    "mean_absolute_error": skm.mean_absolute_error,
    "root_mean_squared_error": skm.root_mean_squared_error,
}
DISPARITY_FUNCTIONS: dict[str, Callable[..., float]] = {
    "demographic_parity_difference": demographic_parity_difference,
    "demographic_parity_ratio": demographic_parity_ratio,
    "equalized_odds_difference": equalized_odds_difference,
    "equalized_odds_ratio": equalized_odds_ratio,
    "equal_opportunity_difference": equal_opportunity_difference,
}
METHODS = ("between_groups", "to_overall")


@dataclass
class Case:
    y_true: np.ndarray
    y_pred: np.ndarray
    sensitive: dict[str, np.ndarray]
    score: np.ndarray | None


@st.composite
def binary_cases(draw: st.DrawFn, with_score: bool = False) -> Case:
    n = draw(st.integers(2, 40))  # fairlearn squeezes a 1-row feature to 0-d and fails
    bits = st.lists(st.booleans(), min_size=n, max_size=n)
    y_true = np.array(draw(bits), dtype=np.int64)
    y_pred = np.array(draw(bits), dtype=np.int64)
    # Few values per feature and a skewed draw leave intersection cells empty and groups
    # without positives, the cases where conventions (0 or NaN) matter.
    sex = np.array(draw(st.lists(st.sampled_from("FMX"), min_size=n, max_size=n)))
    band = np.array(draw(st.lists(st.sampled_from([1, 2, 3, 10]), min_size=n, max_size=n)))
    score = None
    if with_score:
        ties = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
        values = st.one_of(ties, st.floats(0, 1, allow_nan=False))
        score = np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=np.float64)
    return Case(y_true, y_pred, {"sex": sex, "band": band}, score)


def _label(key: Any) -> str:
    if isinstance(key, tuple):
        return "|".join(group_text(_py(k)) for k in key)
    return group_text(_py(key))


def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _frames(case: Case) -> list[tuple[str, Any]]:
    """fairlearn's sensitive_features argument for each view, in govern's view order."""
    views: list[tuple[str, Any]] = [(name, values) for name, values in case.sensitive.items()]
    if len(case.sensitive) > 1:
        views.append(("+".join(case.sensitive), pd.DataFrame(case.sensitive)))
    return views


def _same(ours: float, reference: float, exact: bool) -> bool:
    if np.isnan(reference) or np.isnan(ours):
        return bool(np.isnan(reference) and np.isnan(ours))
    return ours == reference if exact else bool(np.isclose(ours, reference, rtol=1e-12, atol=1e-12))


def check_against_metricframe(
    case: Case,
    analysis: Analysis,
    metrics: Mapping[str, Callable[..., float]],
    y_true: np.ndarray,
    y_pred: np.ndarray,
    exact: bool,
    disparities: Mapping[str, str] | None = None,
) -> None:
    """Compare group values, overall values and difference/ratio by both methods."""
    for index, (name, features) in enumerate(_frames(case)):
        frame = MetricFrame(
            metrics=dict(metrics), y_true=y_true, y_pred=y_pred, sensitive_features=features
        )
        view = analysis.views[index]
        assert view.name == name
        labels = [view.label(g) for g in range(len(view.groups))]
        reference = frame.by_group
        assert sorted(_label(k) for k in reference.index) == sorted(labels)
        ours = analysis.point.groups[index]
        for key, row in reference.iterrows():
            g = labels.index(_label(key))
            for metric in metrics:
                assert _same(float(ours[metric][g]), float(row[metric]), exact), (
                    name,
                    key,
                    metric,
                    ours[metric][g],
                    row[metric],
                )
        for metric in metrics:
            assert _same(
                float(analysis.point.overall[metric]), float(frame.overall[metric]), exact
            ), (metric, analysis.point.overall[metric], frame.overall[metric])
        for ours_name, metric in (disparities or {}).items():
            kind = "difference" if ours_name.endswith("difference") else "ratio"
            for method in METHODS:
                expected = float(getattr(frame, kind)(method=method)[metric])
                got = float(analysis.point.disparities[index][ours_name][method])
                assert _same(got, expected, exact), (name, ours_name, method, got, expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(binary_cases())
def test_binary_metrics_and_disparities_match_metricframe(case: Case) -> None:
    counts = counts_from_arrays(case.y_true, case.y_pred, case.sensitive)
    analysis = analyse(counts)
    disparities = {
        "demographic_parity_difference": "selection_rate",
        "demographic_parity_ratio": "selection_rate",
        "equal_opportunity_difference": "true_positive_rate",
    }
    check_against_metricframe(
        case, analysis, COUNT_METRICS, case.y_true, case.y_pred, True, disparities
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(binary_cases())
def test_disparities_match_fairlearn_functions(case: Case) -> None:
    analysis = analyse(counts_from_arrays(case.y_true, case.y_pred, case.sensitive))
    for index, (_, features) in enumerate(_frames(case)):
        for name, function in DISPARITY_FUNCTIONS.items():
            for method in METHODS:
                expected = function(
                    case.y_true, case.y_pred, sensitive_features=features, method=method
                )
                got = analysis.point.disparities[index][name][method]
                assert _same(float(got), float(expected), True), (name, method, got, expected)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(binary_cases(with_score=True))
def test_roc_auc_matches_sklearn_per_group(case: Case) -> None:
    assert case.score is not None
    counts = counts_from_arrays(case.y_true, case.y_pred, case.sensitive, score=case.score)
    analysis = analyse(counts)
    metrics = {"roc_auc": skm.roc_auc_score}
    check_against_metricframe(case, analysis, metrics, case.y_true, case.score, exact=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(binary_cases(), st.sampled_from([("no", "yes"), ("bad", "good"), (-1, 1), (3, 7)]))
def test_string_and_integer_labels_give_the_same_numbers(
    case: Case, names: tuple[Any, Any]
) -> None:
    """Relabelling (strings, -1/1, other integers) changes nothing once the positive is named."""
    negative, positive = names
    relabel = np.array([negative, positive], dtype=object if isinstance(negative, str) else None)
    y_true, y_pred = relabel[case.y_true], relabel[case.y_pred]
    counts = counts_from_arrays(y_true, y_pred, case.sensitive, positive_label=str(positive))
    assert counts.positive_label == str(positive)
    ours = analyse(counts)
    reference = analyse(counts_from_arrays(case.y_true, case.y_pred, case.sensitive))
    np.testing.assert_array_equal(counts.cells, reference.counts.cells)
    # and fairlearn agrees on the original labels, with pos_label where its metrics take one
    rates = {
        name: functools.partial(COUNT_METRICS[name], pos_label=positive)
        for name in ("selection_rate", "true_positive_rate", "false_negative_rate")
    }
    check_against_metricframe(case, ours, rates, y_true, y_pred, exact=True)


def test_integer_labels_without_positive_follow_fairlearn_default() -> None:
    counts = counts_from_arrays([-1, 1, 1], [1, 1, -1], {"g": ["a", "a", "b"]})
    assert counts.positive_label == "1"


@st.composite
def regression_cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(2, 40))  # fairlearn squeezes a 1-row feature to 0-d and fails
    values = st.lists(
        st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=n, max_size=n
    )
    sex = np.array(draw(st.lists(st.sampled_from("FM"), min_size=n, max_size=n)))
    band = np.array(draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n)))
    return Case(np.array(draw(values)), np.array(draw(values)), {"sex": sex, "band": band}, None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regression_cases())
def test_regression_metrics_and_gaps_match_metricframe(case: Case) -> None:
    counts = counts_from_arrays(case.y_true, case.y_pred, case.sensitive, task="regression")
    analysis = analyse(counts)
    gaps = {f"{name}_difference": name for name in REGRESSION_METRICS}
    # Sums in another order differ in the last bits, so regression compares to 1e-12.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_against_metricframe(
            case, analysis, REGRESSION_METRICS, case.y_true, case.y_pred, False, gaps
        )


def test_empty_intersection_cells_are_nan_and_skipped_like_fairlearn() -> None:
    case = Case(
        np.array([0, 1, 1, 0, 1]),
        np.array([1, 1, 0, 0, 1]),
        {"sex": np.array(["F", "F", "M", "M", "M"]), "band": np.array(["a", "b", "a", "a", "a"])},
        None,
    )
    analysis = analyse(counts_from_arrays(case.y_true, case.y_pred, case.sensitive))
    view = analysis.views[2]
    empty = [view.label(g) for g in range(len(view.groups)) if analysis.point.sizes[2][g] == 0]
    assert empty == ["M|b"]
    assert all(np.isnan(v[3]) for v in analysis.point.groups[2].values())
    check_against_metricframe(
        case,
        analysis,
        COUNT_METRICS,
        case.y_true,
        case.y_pred,
        True,
        {"demographic_parity_ratio": "selection_rate"},
    )


def test_group_without_positives_has_zero_rates_not_nan() -> None:
    """scikit-learn's normalised confusion matrix turns 0/0 into 0; fairlearn inherits that."""
    case = Case(
        np.array([0, 0, 1, 0]),
        np.array([0, 1, 1, 0]),
        {"g": np.array(["a", "a", "b", "b"])},
        None,
    )
    analysis = analyse(counts_from_arrays(case.y_true, case.y_pred, case.sensitive))
    assert analysis.point.groups[0]["true_positive_rate"][0] == 0.0
    check_against_metricframe(case, analysis, COUNT_METRICS, case.y_true, case.y_pred, True)
