"""Point estimates and bootstrap intervals for every view (each feature and their intersection)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from govern.fairness.bootstrap import resample_cells, row_weights
from govern.fairness.counts import Counts
from govern.fairness.intervals import (
    GapStats,
    contain,
    disparity_bounds,
    gap_stats,
    percentile_interval,
    rate_intervals_at_bounds,
)
from govern.fairness.metrics import (
    DISPARITY_FORMS,
    Method,
    RankIndex,
    binary_disparities,
    binary_metrics,
    regression_disparities,
    regression_metrics,
)

Array = npt.NDArray[Any]


@dataclass(frozen=True)
class View:
    """One way of grouping rows: a single sensitive feature, or all of them intersected."""

    name: str
    columns: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    feature: int | None  # index into Counts.features; None for the intersection

    @property
    def intersectional(self) -> bool:
        return self.feature is None

    def label(self, index: int) -> str:
        return "|".join(self.groups[index])


def views_of(counts: Counts) -> tuple[View, ...]:
    """Each feature alone, then (with two or more) their intersection, in the order given."""
    views = [
        View(name, (name,), tuple((level,) for level in levels), index)
        for index, (name, levels) in enumerate(zip(counts.features, counts.levels, strict=True))
    ]
    if len(counts.features) > 1:
        combos = tuple(_product(counts.levels))
        views.append(View("+".join(counts.features), counts.features, combos, None))
    return tuple(views)


def _product(levels: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Row-major (C order) product of levels, matching the flattened intersection axis."""
    out: list[tuple[str, ...]] = [()]
    for values in levels:
        out = [(*prefix, value) for prefix in out for value in values]
    return out


def project(cells: Array, n_features: int, trailing: int, view: View) -> Array:
    """Cells of one view, shape (..., groups, *stats), from the full intersection cells."""
    lead = cells.ndim - n_features - trailing
    if view.feature is None:
        return cells.reshape((*cells.shape[:lead], -1, *cells.shape[cells.ndim - trailing :]))
    others = tuple(lead + axis for axis in range(n_features) if axis != view.feature)
    projected: Array = cells.sum(axis=others) if others else cells
    return projected


def row_groups(cells: Array, counts: Counts, view: View) -> Array:
    """Each row's group code in one view, from its intersection cell code (Rows.groups)."""
    if view.feature is None:
        return cells
    sizes = [len(levels) for levels in counts.levels]
    stride = math.prod(sizes[view.feature + 1 :])
    codes: Array = (cells // stride) % sizes[view.feature]
    return codes


@dataclass(frozen=True)
class Estimates:
    """Metric and disparity values, each an array whose leading axes index resamples (if any)."""

    overall: dict[str, Array]
    groups: tuple[dict[str, Array], ...]
    disparities: tuple[dict[str, dict[Method, Array]], ...]
    sizes: tuple[Array, ...]

    def map(self, fn: Callable[..., Array], *others: Estimates) -> Estimates:
        """Apply `fn` leaf by leaf to this and other Estimates of the same shape."""
        return Estimates(
            overall={k: fn(v, *(o.overall[k] for o in others)) for k, v in self.overall.items()},
            groups=tuple(
                {k: fn(v, *(o.groups[i][k] for o in others)) for k, v in metrics.items()}
                for i, metrics in enumerate(self.groups)
            ),
            disparities=tuple(
                {
                    name: {
                        m: fn(v, *(o.disparities[i][name][m] for o in others))
                        for m, v in methods.items()
                    }
                    for name, methods in disparities.items()
                }
                for i, disparities in enumerate(self.disparities)
            ),
            sizes=tuple(fn(v, *(o.sizes[i] for o in others)) for i, v in enumerate(self.sizes)),
        )


def evaluate(counts: Counts, views: Sequence[View], cells: Array) -> Estimates:
    """All metrics and disparities of `cells`, which may carry leading resample axes."""
    m, trailing = len(counts.features), counts.trailing
    lead = cells.ndim - m - trailing
    overall_cells = cells.sum(axis=tuple(range(lead, lead + m)))
    if counts.task == "binary":
        metrics_of, disparities_of = binary_metrics, binary_disparities
    else:
        metrics_of, disparities_of = regression_metrics, regression_disparities
    overall = metrics_of(overall_cells)
    groups, disparities, sizes = [], [], []
    for view in views:
        view_cells = project(cells, m, trailing, view)
        group_metrics = metrics_of(view_cells)
        groups.append(group_metrics)
        disparities.append(disparities_of(group_metrics, overall))
        if counts.task == "binary":
            sizes.append(view_cells.sum(axis=(-2, -1)))
        else:
            sizes.append(view_cells[..., 0].astype(np.int64))
    return Estimates(overall, tuple(groups), tuple(disparities), tuple(sizes))


@dataclass(frozen=True)
class Analysis:
    """The numbers behind a fairness report; `lower`/`upper` only when bootstrapped."""

    counts: Counts
    views: tuple[View, ...]
    point: Estimates
    lower: Estimates | None = None
    upper: Estimates | None = None
    n_resamples: int = 0
    level: float = 0.95
    # per view and group: in how many resamples the group had no rows (its metrics undefined)
    absent: tuple[npt.NDArray[np.int64], ...] = field(default=())


class _AucIndex:
    """ROC AUC of every view and overall, from rows sorted by score once.

    Row order is score order from here on; resample weights are drawn in that order, which
    is the same row bootstrap because the multiplicities are exchangeable.
    """

    def __init__(self, counts: Counts, views: Sequence[View]) -> None:
        rows = counts.rows
        if rows is None or rows.score is None or rows.positive is None:
            raise ValueError("ROC AUC needs the score and label of every row")
        # Stable: a bootstrap draws row weights in this order, so the order within a tie must be
        # the rows' own, not whatever the sort algorithm (which varies with numpy and the CPU) did.
        by_score = np.argsort(rows.score, kind="stable")
        score = rows.score[by_score]
        ties = np.zeros(len(score), dtype=np.int32 if len(score) < 1 << 31 else np.int64)
        np.cumsum(score[1:] != score[:-1], out=ties[1:])
        del score
        positive = rows.positive[by_score]
        cells = rows.groups[by_score]
        del by_score
        self.overall = RankIndex.build(np.zeros(len(ties), dtype=np.int8), ties, positive, 1)
        self.views = [
            RankIndex.build(row_groups(cells, counts, view), ties, positive, len(view.groups))
            for view in views
        ]

    def add(self, estimates: Estimates, weights: Array | None = None) -> None:
        """Fill in roc_auc of every group and overall."""
        estimates.overall["roc_auc"] = self.overall.auc(weights)[0]
        for metrics, index in zip(estimates.groups, self.views, strict=True):
            metrics["roc_auc"] = index.auc(weights)


def analyse(
    counts: Counts,
    *,
    n_resamples: int = 0,
    level: float = 0.95,
    seed: int | None = None,
) -> Analysis:
    """Point estimates, and with `n_resamples` bootstrap intervals at `level`.

    Metrics get percentile intervals, disparities sup-t ones (see govern.fairness.intervals);
    every interval contains its point estimate.
    """
    views = views_of(counts)
    point = evaluate(counts, views, counts.cells)
    has_score = counts.rows is not None and counts.rows.score is not None
    auc = _AucIndex(counts, views) if has_score else None
    if auc is not None:
        auc.add(point)
    if n_resamples <= 0:
        return Analysis(counts, views, point)
    rng = np.random.default_rng(seed)
    samples = _resample(counts, views, n_resamples, rng, auc)
    lower, upper = _intervals(counts, point, samples, level)
    if counts.task == "binary":
        _rates_at_bounds(counts, views, point, lower, upper, level)
    absent = tuple((sizes == 0).sum(axis=0).astype(np.int64) for sizes in samples.sizes)
    return Analysis(counts, views, point, lower, upper, n_resamples, level, absent)


def _intervals(
    counts: Counts, point: Estimates, samples: Estimates, level: float
) -> tuple[Estimates, Estimates]:
    """Lower and upper bounds of every estimate: percentile for metrics, sup-t for disparities."""
    bounds = point.map(lambda p, s: np.stack(contain(p, *percentile_interval(s, level))), samples)
    lower, upper = bounds.map(lambda b: b[0]), bounds.map(lambda b: b[1])
    limit = 1.0 if counts.task == "binary" else np.inf  # a difference of rates is at most 1
    for index, disparities in enumerate(point.disparities):
        stats = _GapCache(point, samples, index)
        for name, methods in disparities.items():
            form = DISPARITY_FORMS[name]
            for method, value in methods.items():
                gaps = [stats.get(metric, method, form.ratio) for metric in form.metrics]
                low, high = disparity_bounds(gaps, level, ratio=form.ratio, limit=limit)
                low_, high_ = contain(value, np.asarray(low), np.asarray(high))
                lower.disparities[index][name][method] = low_
                upper.disparities[index][name][method] = high_
    return lower, upper


def _rates_at_bounds(
    counts: Counts,
    views: Sequence[View],
    point: Estimates,
    lower: Estimates,
    upper: Estimates,
    level: float,
) -> None:
    """Replace the degenerate bootstrap interval of every rate at 0 or 1 (see
    rate_intervals_at_bounds); the overall rates too, over all rows."""
    m = len(counts.features)
    overall_cells = counts.cells.sum(axis=tuple(range(m)))
    for metric in point.overall:
        lower.overall[metric], upper.overall[metric] = rate_intervals_at_bounds(
            metric,
            overall_cells,
            point.overall[metric],
            lower.overall[metric],
            upper.overall[metric],
            level,
        )
    for index, view in enumerate(views):
        cells = project(counts.cells, m, counts.trailing, view)
        for metric in point.groups[index]:
            lower.groups[index][metric], upper.groups[index][metric] = rate_intervals_at_bounds(
                metric,
                cells,
                point.groups[index][metric],
                lower.groups[index][metric],
                upper.groups[index][metric],
                level,
            )


class _GapCache:
    """Gap statistics of one view, each computed once though several disparities share it."""

    def __init__(self, point: Estimates, samples: Estimates, index: int) -> None:
        self.point, self.samples, self.index = point, samples, index
        self.done: dict[tuple[str, Method, bool], GapStats] = {}

    def get(self, metric: str, method: Method, log: bool) -> GapStats:
        key = (metric, method, log)
        if key not in self.done:
            self.done[key] = gap_stats(
                self.point.groups[self.index][metric],
                self.point.overall[metric],
                self.samples.groups[self.index][metric],
                self.samples.overall[metric],
                method,
                log,
            )
        return self.done[key]


def _concat(parts: Sequence[Estimates]) -> Estimates:
    return parts[0].map(lambda *arrays: np.concatenate(arrays, axis=0), *parts[1:])


def _resample(
    counts: Counts,
    views: Sequence[View],
    n_resamples: int,
    rng: np.random.Generator,
    auc: _AucIndex | None,
) -> Estimates:
    """All resampled estimates, stacked on a leading axis of length n_resamples."""
    if counts.task == "binary":
        parts = [
            evaluate(counts, views, draws)
            for draws in resample_cells(counts.cells, n_resamples, rng)
        ]
        samples = _concat(parts)
        if auc is not None:
            _resample_auc(samples, auc, counts.n_rows, n_resamples, rng)
        return samples
    rows = counts.rows
    if rows is None or rows.y_true is None or rows.y_pred is None:
        raise ValueError("a regression bootstrap needs the rows")
    error = rows.y_pred - rows.y_true
    per_row = (None, rows.y_pred, np.abs(error), error * error)
    size = counts.cells[..., 0].size
    shape = counts.cells.shape
    stacked = np.empty((n_resamples, *shape), dtype=np.float64)
    for b in range(n_resamples):
        weights = row_weights(counts.n_rows, rng).astype(np.float64)
        for s, values in enumerate(per_row):
            w = weights if values is None else weights * values
            stacked[b, ..., s] = np.bincount(rows.groups, weights=w, minlength=size).reshape(
                shape[:-1]
            )
    return evaluate(counts, views, stacked)


def _resample_auc(
    samples: Estimates, auc: _AucIndex, n_rows: int, n_resamples: int, rng: np.random.Generator
) -> None:
    """ROC AUC needs row multiplicities: it depends on each row's score, not only its cell."""
    overall = np.empty(n_resamples, dtype=np.float64)
    groups = [np.empty((n_resamples, index.n_groups), dtype=np.float64) for index in auc.views]
    for b in range(n_resamples):
        weights = row_weights(n_rows, rng).astype(np.float64)
        overall[b] = auc.overall.auc(weights)[0]
        for out, index in zip(groups, auc.views, strict=True):
            out[b] = index.auc(weights)
    samples.overall["roc_auc"] = overall
    for metrics, values in zip(samples.groups, groups, strict=True):
        metrics["roc_auc"] = values
