"""Bootstrap intervals: reproducible, sensible, and distributed exactly like a row bootstrap."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from scipy import stats

from govern.fairness.analysis import Analysis, _resample, analyse, evaluate, views_of
from govern.fairness.bootstrap import resample_cells, row_weights
from govern.fairness.counts import Counts, counts_from_arrays
from govern.fairness.intervals import percentile_interval
from govern.fairness.metrics import RankIndex

pytestmark = pytest.mark.filterwarnings("ignore")


def make_counts(
    n: int = 3000, seed: int = 0, score: bool = False, effect: float = 0.0
) -> tuple[Counts, dict]:
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["F", "M"]), n, p=[0.4, 0.6])
    band = rng.choice(np.array(["18-29", "30-44", "45-59", "60+"]), n, p=[0.2, 0.4, 0.3, 0.1])
    y_true = (rng.random(n) < 0.3).astype(np.int64)
    shift = effect * ((sex == "M") + np.searchsorted(["18-29", "30-44", "45-59", "60+"], band))
    noisy = rng.random(n) * 0.8 + 0.4 * y_true + shift
    y_pred = (noisy > 0.5).astype(np.int64)
    data = {"y_true": y_true, "y_pred": y_pred, "sex": sex, "band": band, "score": noisy}
    counts = counts_from_arrays(
        y_true, y_pred, {"sex": sex, "band": band}, score=noisy if score else None
    )
    return counts, data


def test_same_seed_same_intervals_other_seed_other_intervals() -> None:
    counts, _ = make_counts()
    first = analyse(counts, n_resamples=200, seed=11)
    again = analyse(counts, n_resamples=200, seed=11)
    other = analyse(counts, n_resamples=200, seed=12)
    assert first.lower is not None and again.lower is not None and other.lower is not None
    dp = "demographic_parity_difference"
    assert first.lower.disparities[2][dp] == again.lower.disparities[2][dp]
    np.testing.assert_array_equal(
        first.lower.groups[0]["accuracy"], again.lower.groups[0]["accuracy"]
    )
    assert first.upper is not None and other.upper is not None
    assert first.upper.disparities[2][dp] != other.upper.disparities[2][dp]


def _coverage(analysis: Analysis, disparities: bool) -> float:
    assert analysis.lower is not None and analysis.upper is not None
    inside = total = 0
    for index in range(len(analysis.views)):
        for name, values in analysis.point.groups[index].items():
            lower = analysis.lower.groups[index][name]
            upper = analysis.upper.groups[index][name]
            assert np.all(lower <= upper)
            if not disparities:
                inside += int(np.sum((lower <= values) & (values <= upper)))
                total += values.size
        for name, methods in analysis.point.disparities[index].items():
            for method, value in methods.items():
                lower = analysis.lower.disparities[index][name][method]
                upper = analysis.upper.disparities[index][name][method]
                assert lower <= upper
                if disparities:
                    inside += int(lower <= value <= upper)
                    total += 1
    return inside / total


@pytest.mark.parametrize("effect", [0.0, 0.08])
def test_intervals_contain_the_point_estimate(effect: float) -> None:
    counts, _ = make_counts(effect=effect)
    analysis = analyse(counts, n_resamples=400, seed=3)
    assert _coverage(analysis, disparities=False) == 1.0
    assert _coverage(analysis, disparities=True) == 1.0


def test_wider_level_gives_wider_intervals() -> None:
    counts, _ = make_counts()
    narrow = analyse(counts, n_resamples=300, level=0.5, seed=1)
    wide = analyse(counts, n_resamples=300, level=0.99, seed=1)
    assert narrow.lower is not None and wide.lower is not None
    assert narrow.upper is not None and wide.upper is not None
    key = "selection_rate"
    assert np.all(wide.lower.groups[1][key] <= narrow.lower.groups[1][key])
    assert np.all(wide.upper.groups[1][key] >= narrow.upper.groups[1][key])


def _row_bootstrap_cells(counts: Counts, data: dict, n_resamples: int, seed: int) -> np.ndarray:
    """The textbook bootstrap: draw n row indices with replacement, count the drawn rows."""
    rng = np.random.default_rng(seed)
    sizes = [len(levels) for levels in counts.levels]
    sex = np.searchsorted(np.array(counts.levels[0]), data["sex"])
    band = np.searchsorted(np.array(counts.levels[1]), data["band"])
    cell = ((sex * sizes[1] + band) * 2 + data["y_true"]) * 2 + data["y_pred"]
    n = len(cell)
    out = np.empty((n_resamples, *counts.cells.shape), dtype=np.int64)
    for b in range(n_resamples):
        picks = rng.integers(0, n, n)
        out[b] = np.bincount(cell[picks], minlength=counts.cells.size).reshape(counts.cells.shape)
    return out


def test_count_bootstrap_is_distributed_like_the_row_bootstrap() -> None:
    counts, data = make_counts(n=1500)
    views = views_of(counts)
    resamples = 2000
    by_rows = evaluate(counts, views, _row_bootstrap_cells(counts, data, resamples, seed=1))
    drawn = np.concatenate(list(resample_cells(counts.cells, resamples, np.random.default_rng(2))))
    by_cells = evaluate(counts, views, drawn)
    statistics = [
        (by_rows.overall["accuracy"], by_cells.overall["accuracy"]),
        (
            by_rows.groups[0]["true_positive_rate"][:, 0],
            by_cells.groups[0]["true_positive_rate"][:, 0],
        ),
        (by_rows.groups[2]["precision"][:, 7], by_cells.groups[2]["precision"][:, 7]),
        (
            by_rows.disparities[1]["demographic_parity_difference"]["between_groups"],
            by_cells.disparities[1]["demographic_parity_difference"]["between_groups"],
        ),
        (
            by_rows.disparities[2]["equalized_odds_ratio"]["to_overall"],
            by_cells.disparities[2]["equalized_odds_ratio"]["to_overall"],
        ),
    ]
    for rows, cells in statistics:
        rows, cells = rows[~np.isnan(rows)], cells[~np.isnan(cells)]
        error = np.hypot(rows.std(), cells.std()) / np.sqrt(resamples)
        assert abs(rows.mean() - cells.mean()) < 5 * error
        assert abs(rows.std() / cells.std() - 1) < 0.1
        assert stats.ks_2samp(rows, cells).pvalue > 1e-3
    # the resampled cell counts have the multinomial's mean and covariance, as row draws do
    flat_rows = _row_bootstrap_cells(counts, data, resamples, seed=5).reshape(resamples, -1)
    flat_cells = drawn.reshape(resamples, -1)
    p = counts.cells.reshape(-1) / counts.n_rows
    expected_cov = counts.n_rows * (np.diag(p) - np.outer(p, p))
    scale = np.sqrt(np.outer(np.diag(expected_cov), np.diag(expected_cov))).max()
    for flat in (flat_rows, flat_cells):
        np.testing.assert_allclose(flat.mean(axis=0), counts.n_rows * p, atol=2.0)
        assert np.abs(np.cov(flat, rowvar=False) - expected_cov).max() < 0.1 * scale


def test_every_resample_keeps_the_row_count() -> None:
    counts, _ = make_counts(n=500)
    for batch in resample_cells(counts.cells, 50, np.random.default_rng(0)):
        assert np.all(batch.reshape(len(batch), -1).sum(axis=1) == 500)


def test_weighted_auc_equals_sklearn_on_repeated_rows() -> None:
    """The row-weight bootstrap of ROC AUC is exact: weights act as repeated rows."""
    rng = np.random.default_rng(4)
    n = 300
    groups = rng.integers(0, 3, n)
    score = rng.choice([0.1, 0.2, 0.3, 0.5, 0.9], n) + rng.integers(0, 2, n) * rng.random(n)
    positive = rng.random(n) < 0.4
    order = np.argsort(score, kind="stable")
    groups, score, positive = groups[order], score[order], positive[order]
    index = RankIndex.from_scores(groups, score, positive, 3)
    for _ in range(5):
        weights = row_weights(n, rng)
        got = index.auc(weights.astype(np.float64))
        for g in range(3):
            mask = groups == g
            repeated = np.repeat(np.flatnonzero(mask), weights[mask])
            expected = skm.roc_auc_score(positive[repeated], score[repeated])
            assert got[g] == pytest.approx(expected, rel=1e-12)


def test_auc_bootstrap_runs_and_brackets_the_estimate() -> None:
    counts, _ = make_counts(n=800, score=True)
    analysis = analyse(counts, n_resamples=100, seed=9)
    assert analysis.lower is not None and analysis.upper is not None
    point = analysis.point.overall["roc_auc"]
    assert analysis.lower.overall["roc_auc"] <= point <= analysis.upper.overall["roc_auc"]
    assert analysis.lower.groups[2]["roc_auc"].shape == (8,)


def test_auc_intervals_do_not_depend_on_how_the_sort_orders_ties(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bootstrap draws row weights in score order, so rows with tied scores must keep their
    own order: numpy's default sort orders ties differently across versions and CPUs (SIMD
    sorts), which once changed the example's committed intervals on another machine."""
    counts, data = make_counts(n=2000, score=False)
    tied = np.round(data["score"], 1)  # ten distinct scores: nearly every row is in a tie
    counts = counts_from_arrays(
        data["y_true"], data["y_pred"], {"sex": data["sex"], "band": data["band"]}, score=tied
    )
    before = analyse(counts, n_resamples=50, seed=3)
    real = np.argsort

    def ties_backwards(values: np.ndarray, *args: object, kind: str | None = None) -> np.ndarray:
        """A valid unstable sort: ascending values, ties in reverse row order."""
        if kind == "stable":
            return real(values, kind="stable")
        return np.lexsort((-np.arange(len(values)), values))

    monkeypatch.setattr(np, "argsort", ties_backwards)
    after = analyse(counts, n_resamples=50, seed=3)
    assert before.lower is not None and after.lower is not None
    assert before.upper is not None and after.upper is not None
    assert after.lower.overall["roc_auc"] == before.lower.overall["roc_auc"]
    assert np.array_equal(after.upper.groups[0]["roc_auc"], before.upper.groups[0]["roc_auc"])


def test_regression_bootstrap_weights_act_as_repeated_rows() -> None:
    rng = np.random.default_rng(8)
    n = 200
    y_true, y_pred = rng.normal(size=n), rng.normal(size=n)
    groups = {"g": rng.choice(np.array(["a", "b", "c"]), n)}
    counts = counts_from_arrays(y_true, y_pred, groups, task="regression", keep_rows=True)
    views = views_of(counts)
    samples = _resample(counts, views, 3, np.random.default_rng(1), None)
    replay = np.random.default_rng(1)
    for b in range(3):
        picks = np.repeat(np.arange(n), row_weights(n, replay))
        expected = analyse(
            counts_from_arrays(
                y_true[picks], y_pred[picks], {"g": groups["g"][picks]}, task="regression"
            )
        )
        for name, values in expected.point.groups[0].items():
            np.testing.assert_allclose(samples.groups[0][name][b], values, rtol=1e-12)


def test_percentile_interval_skips_undefined_resamples() -> None:
    samples = np.array([[np.nan, np.nan], [1.0, np.nan], [2.0, np.nan], [3.0, np.nan]])
    lower, upper = percentile_interval(samples, 0.5)
    assert lower[0] == pytest.approx(1.5) and upper[0] == pytest.approx(2.5)
    assert np.isnan(lower[1]) and np.isnan(upper[1])
