"""Confidence intervals: every one contains its estimate; disparity ones cover a true disparity."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.evidence.fairness import FairnessReport
from govern.fairness import intervals
from govern.fairness.analysis import Analysis, analyse
from govern.fairness.counts import counts_from_arrays
from govern.fairness.intervals import GapStats, contain, disparity_bounds, gap_stats
from govern.fairness.metrics import DISPARITY_FORMS

pytestmark = pytest.mark.filterwarnings("ignore")


def leaves(analysis: Analysis) -> Iterator[tuple[str, Any, Any, Any]]:
    """(name, point, lower, upper) of every metric and disparity, scalars and group arrays."""
    point, lower, upper = analysis.point, analysis.lower, analysis.upper
    assert lower is not None and upper is not None
    for name in point.overall:
        yield name, point.overall[name], lower.overall[name], upper.overall[name]
    for i in range(len(analysis.views)):
        for name in point.groups[i]:
            yield name, point.groups[i][name], lower.groups[i][name], upper.groups[i][name]
        for name, methods in point.disparities[i].items():
            for method, value in methods.items():
                low, high = lower.disparities[i][name][method], upper.disparities[i][name][method]
                yield f"{name}.{method}", value, low, high


def assert_contained(analysis: Analysis, rates: bool) -> None:
    for name, value, low, high in leaves(analysis):
        value, low, high = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (value, low, high))
        defined = ~np.isnan(low)
        assert np.array_equal(defined, ~np.isnan(high)), name
        assert not np.any(defined & np.isnan(value)), f"{name}: an interval without a value"
        v, lo, hi = value[defined], low[defined], high[defined]
        assert np.all((lo <= v) & (v <= hi)), f"{name}: {v} not in [{lo}, {hi}]"
        if "ratio" in name or (rates and name != "roc_auc"):
            assert np.all((lo >= 0) & (hi <= 1)), f"{name}: [{lo}, {hi}] outside [0, 1]"


group_sizes = st.lists(st.integers(0, 40), min_size=1, max_size=4)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(group_sizes, min_size=1, max_size=2),
    st.floats(0, 1),
    st.floats(0, 1),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_binary_intervals_contain_their_estimates(
    sizes: list[list[int]], base: float, noise: float, seed: int, score: bool
) -> None:
    """Tiny, empty and one-label groups, rates of exactly 0 and 1 included."""
    rng = np.random.default_rng(seed)
    n = max(2, sum(sum(s) for s in sizes))
    features = {
        f"f{k}": rng.choice(np.array([f"g{i}" for i in range(len(s))]), n, p=_weights(s))
        for k, s in enumerate(sizes)
    }
    y_true = (rng.random(n) < base).astype(int)
    y_pred = np.where(rng.random(n) < noise, 1 - y_true, y_true)
    counts = counts_from_arrays(
        y_true, y_pred, features, score=rng.random(n) if score else None, positive_label="1"
    )
    assert_contained(analyse(counts, n_resamples=60, seed=seed), rates=True)


@settings(max_examples=60, deadline=None)
@given(group_sizes, st.floats(0.01, 10), st.integers(0, 2**32 - 1))
def test_regression_intervals_contain_their_estimates(
    sizes: list[int], spread: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    n = max(2, sum(sizes))
    group = rng.choice(np.array([f"g{i}" for i in range(len(sizes))]), n, p=_weights(sizes))
    y_true = rng.normal(size=n)
    counts = counts_from_arrays(
        y_true,
        y_true + rng.normal(scale=spread, size=n),
        {"g": group},
        task="regression",
        keep_rows=True,
    )
    assert_contained(analyse(counts, n_resamples=60, seed=seed), rates=False)


def _weights(sizes: list[int]) -> np.ndarray:
    w = np.asarray(sizes, dtype=float) + 1e-9
    return w / w.sum()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.just(0.0), st.just(1.0), st.floats(0, 1), st.just(math.nan)),
        min_size=1,
        max_size=6,
    ),
    st.floats(0, 1),
)
def test_gaps_give_back_the_fairlearn_disparity(rates: list[float], overall: float) -> None:
    """The largest gap (of logarithms, for ratios) is the disparity metrics.py computes."""
    from govern.fairness.metrics import difference, ratio

    groups = np.asarray(rates)
    for method in ("between_groups", "to_overall"):
        for is_ratio, expected in ((False, difference), (True, ratio)):
            want = float(expected(groups, np.asarray(overall), method))
            stats = gap_stats(groups, np.asarray(overall), groups[None], np.array([overall]),
                              method, is_ratio)  # fmt: skip
            gaps = np.abs(stats.point[~np.isnan(stats.point)])
            if np.isnan(want):
                assert not gaps.size or np.isnan(stats.point).all() or _all_zero(groups, overall)
                continue
            largest = gaps.max() if gaps.size else 0.0
            got = math.exp(-largest) if is_ratio else largest
            assert got == pytest.approx(want, abs=1e-12), (method, is_ratio)


def _all_zero(groups: np.ndarray, overall: float) -> bool:
    defined = groups[~np.isnan(groups)]
    return bool(np.all(defined == 0)) or overall == 0


def test_every_disparity_has_a_gap_form() -> None:
    from govern.fairness.metrics import BINARY_DISPARITIES, REGRESSION_DISPARITIES

    assert set(DISPARITY_FORMS) == {*BINARY_DISPARITIES, *REGRESSION_DISPARITIES}


def _population(n: int, rates: list[float], rng: np.random.Generator) -> tuple[Any, ...]:
    groups = rng.integers(0, len(rates), n)
    y_true = (rng.random(n) < 0.3).astype(int)
    y_pred = (rng.random(n) < np.asarray(rates)[groups]).astype(int)
    return y_true, y_pred, {"g": groups.astype(str)}


@pytest.mark.parametrize(
    ("rates", "true_difference"),
    [([0.3, 0.3, 0.3, 0.3, 0.3], 0.0), ([0.3, 0.3, 0.3, 0.3, 0.4], 0.1)],
)
def test_disparity_intervals_cover_the_true_disparity(
    rates: list[float], true_difference: float
) -> None:
    """With equal groups a percentile interval of max - min almost never covers 0 (it sits above
    the estimate); the sup-t interval covers it at about the confidence level or more."""
    rng = np.random.default_rng(0)
    covered = percentile_covered = 0
    runs = 60
    for run in range(runs):
        y_true, y_pred, groups = _population(2000, rates, rng)
        analysis = analyse(counts_from_arrays(y_true, y_pred, groups), n_resamples=200, seed=run)
        assert analysis.lower is not None and analysis.upper is not None
        dp = "demographic_parity_difference"
        low = analysis.lower.disparities[0][dp]["between_groups"]
        high = analysis.upper.disparities[0][dp]["between_groups"]
        covered += int(low <= true_difference <= high)
        ratio_low = analysis.lower.disparities[0]["demographic_parity_ratio"]["between_groups"]
        ratio_high = analysis.upper.disparities[0]["demographic_parity_ratio"]["between_groups"]
        true_ratio = min(rates) / max(rates)
        covered += int(ratio_low <= true_ratio + 1e-12 and true_ratio <= ratio_high + 1e-12)
        percentile_covered += int(_percentile_covers(y_true, y_pred, groups, true_difference))
    assert covered / (2 * runs) >= 0.9
    if true_difference == 0:
        assert percentile_covered / runs < 0.2  # the bug this method fixes


def test_many_groups_use_a_box_that_contains_and_covers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond PAIRS_UP_TO groups the band is on the groups' values, not on every pair."""
    monkeypatch.setattr(intervals, "PAIRS_UP_TO", 2)
    rng = np.random.default_rng(5)
    rates = [0.3, 0.3, 0.3, 0.35]
    covered, runs = 0, 30
    for run in range(runs):
        y_true, y_pred, groups = _population(3000, rates, rng)
        analysis = analyse(counts_from_arrays(y_true, y_pred, groups), n_resamples=200, seed=run)
        assert_contained(analysis, rates=True)
        assert analysis.lower is not None and analysis.upper is not None
        dp = "demographic_parity_difference"
        low = analysis.lower.disparities[0][dp]["between_groups"]
        high = analysis.upper.disparities[0][dp]["between_groups"]
        covered += int(low <= 0.05 <= high)
    stats = gap_stats(np.array([0.1, 0.2, 0.3]), np.array(0.2), np.zeros((5, 3)), np.zeros(5),
                      "between_groups", False)  # fmt: skip
    assert stats.mode == "box" and covered / runs >= 0.9


def _percentile_covers(y_true: Any, y_pred: Any, groups: Any, truth: float) -> bool:
    from govern.fairness.analysis import _resample, views_of
    from govern.fairness.intervals import percentile_interval

    counts = counts_from_arrays(y_true, y_pred, groups)
    samples = _resample(counts, views_of(counts), 200, np.random.default_rng(1), None)
    values = samples.disparities[0]["demographic_parity_difference"]["between_groups"]
    low, high = percentile_interval(values, 0.95)
    return bool(low <= truth <= high)


def stats_of(point: list[float], scale: list[float], sup: list[float]) -> GapStats:
    return GapStats(np.asarray(point), np.asarray(scale), np.asarray(sup))


def test_bounds_are_the_range_of_the_largest_gap_over_the_band() -> None:
    gaps = stats_of([0.05, -0.02], [0.01, 0.02], [0.5, 1.0, 1.5, 2.0, 2.5])
    # c = 1.5 (the median of sup): bands [0.035, 0.065] and [-0.05, 0.01]
    low, high = disparity_bounds([gaps], 0.5, ratio=False, limit=1.0)
    assert (low, high) == pytest.approx((0.035, 0.065))
    low, high = disparity_bounds([gaps], 0.5, ratio=True, limit=1.0)
    assert (low, high) == pytest.approx((math.exp(-0.065), math.exp(-0.035)))
    other = stats_of([0.01], [0.001], [3.0, 3.0, 3.0, 3.0, 3.0])  # a second metric: c = 3
    assert disparity_bounds([gaps, other], 0.5, ratio=False, limit=1.0) == pytest.approx(
        (0.02, 0.08)
    )


def test_band_across_zero_reaches_no_disparity_and_is_capped() -> None:
    gaps = stats_of([0.3], [0.5], [1.0, 2.0, 3.0])
    assert disparity_bounds([gaps], 0.95, ratio=False, limit=1.0) == (0.0, 1.0)
    assert disparity_bounds([gaps], 0.95, ratio=True, limit=1.0)[1] == 1.0


def test_unstable_resamples_give_an_uninformative_interval() -> None:
    """A gap that is infinite in most resamples (a rate dropping to 0) says nothing."""
    gaps = stats_of([0.2], [0.1], [np.inf, np.inf, 1.0])
    assert disparity_bounds([gaps], 0.95, ratio=True, limit=1.0) == (0.0, 1.0)


def test_box_bounds_are_the_range_of_max_minus_min() -> None:
    box = GapStats(np.array([0.2, 0.3, 0.5]), np.array([0.01, 0.02, 0.05]), np.ones(3), "box")
    # c = 1: values within [0.19, 0.21], [0.28, 0.32], [0.45, 0.55]
    low, high = disparity_bounds([box], 0.5, ratio=False, limit=1.0)
    assert (low, high) == pytest.approx((0.45 - 0.21, 0.55 - 0.19))


def test_exact_gaps_and_single_groups() -> None:
    zero_rate = stats_of([np.inf], [np.nan], [np.nan, np.nan])  # a group with rate 0 throughout
    assert disparity_bounds([zero_rate], 0.95, ratio=True, limit=1.0) == (0.0, 0.0)
    single = stats_of([], [], [np.nan, np.nan])
    assert disparity_bounds([single], 0.95, ratio=False, limit=1.0) == (0.0, 0.0)
    assert disparity_bounds([single], 0.95, ratio=True, limit=1.0) == (1.0, 1.0)
    too_few = stats_of([0.1], [np.nan], [np.nan])  # no resample had the gap twice
    assert disparity_bounds([too_few], 0.95, ratio=False, limit=1.0) == (0.0, 1.0)


def test_contain_reaches_the_estimate_and_keeps_undefined() -> None:
    point = np.array([0.5, 0.5, np.nan, 0.5])
    low, high = contain(point, np.array([0.52, 0.4, 0.1, np.nan]), np.array([0.6, 0.45, 0.2, 1]))
    np.testing.assert_array_equal(low, [0.5, 0.4, np.nan, np.nan])
    np.testing.assert_array_equal(high, [0.6, 0.5, np.nan, np.nan])


def test_reports_without_ci_method_still_load() -> None:
    base = {
        "generated_by": {"name": "govern", "version": "0.0.1"},
        "source": {"path": "p.csv", "sha256": "0" * 64, "rows": 3},
        "parameters": {"y_true": "y", "y_pred": "p", "sensitive": ["s"], "bootstrap": 10},
        "overall": {"accuracy": {"value": 0.5, "ci": {"lower": 0.4, "upper": 0.6}}},
        "features": [],
    }
    assert FairnessReport.model_validate(base).parameters.ci_method is None
