"""Confidence intervals from bootstrap resamples: percentile for metrics, sup-t for disparities."""

# Metrics (a group's rate, the overall accuracy) are smooth functions of the counts, and their
# percentile interval is the textbook one. Disparities are not smooth: a max - min over groups is
# biased upwards in resamples (the largest of several noisy rates overshoots the largest true
# rate), most when the groups are alike. Its percentile interval can then lie wholly above the
# estimate, and it almost never covers a true disparity of zero. The bias-corrected (BC) and the
# basic interval assume the resampled statistic is a shifted (or transformed) copy of the
# estimator, which a max of noisy terms is not: in simulations with equal groups BC covers under
# 5% of the time, and the basic interval misses its own estimate exactly when the percentile one
# does (it is that interval mirrored about the estimate).
#
# A disparity is instead bounded through the smooth quantities it is the largest of: its gaps,
# each the difference of a metric between two groups (between_groups) or between a group and
# overall (to_overall); a ratio is exp(-largest gap of the metric's logarithms). A simultaneous
# bootstrap-t ("sup-t") band covers every gap of a disparity at once: gap k's band is its
# estimate ± c * s_k, where s_k is the bootstrap standard deviation of gap k and c is the `level`
# quantile, over resamples, of max_k |resampled gap k - estimate k| / s_k. The disparity's
# interval is its range over the band (`disparity_bounds`). It covers the true disparity whenever
# the band covers the true gaps, so with at least the confidence level as samples grow (more when
# one gap stands out; 92-100% at 95% in simulations with 150 to 7,000 rows a group, where the
# percentile interval covered a zero disparity 0% of the time), and it contains the point
# estimate, since every estimated gap is inside its band. The price is width: up to about twice
# the percentile interval's, the most for many small groups.

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from govern.fairness.metrics import Method

Array = npt.NDArray[Any]

# Elements of resampled gaps held at once, so all pairs of many groups stay within memory.
BLOCK = 1 << 22
# Between groups, the band is on every pair's difference up to this many groups; beyond, on the
# groups' own values (a box: somewhat wider intervals, at a cost in groups rather than pairs).
PAIRS_UP_TO = 50


def percentile_interval(samples: Array, level: float) -> tuple[Array, Array]:
    """Percentile interval over axis 0, skipping undefined resamples as fairlearn's nanquantile.

    Linear interpolation between order statistics (numpy's default, also fairlearn's).
    """
    tail = (1.0 - level) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN, as they should
        bounds = np.nanquantile(samples, [tail, 1.0 - tail], axis=0)
    return bounds[0], bounds[1]


# Each binary rate as (successes, trials) over a group's confusion cells [..., truth, predicted].
_RATE_PARTS: dict[str, tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]] = {
    "selection_rate": (((0, 1), (1, 1)), ((0, 0), (0, 1), (1, 0), (1, 1))),
    "accuracy": (((0, 0), (1, 1)), ((0, 0), (0, 1), (1, 0), (1, 1))),
    "true_positive_rate": (((1, 1),), ((1, 0), (1, 1))),
    "false_negative_rate": (((1, 0),), ((1, 0), (1, 1))),
    "false_positive_rate": (((0, 1),), ((0, 0), (0, 1))),
    "true_negative_rate": (((0, 0),), ((0, 0), (0, 1))),
    "precision": (((1, 1),), ((0, 1), (1, 1))),
}


def rate_parts(metric: str, cells: Array) -> tuple[Array, Array]:
    """Successes and trials of a binary rate, per group, from cells [..., truth, predicted]."""
    num, den = _RATE_PARTS[metric]
    successes: Array = np.sum([cells[..., t, p] for t, p in num], axis=0)
    trials: Array = np.sum([cells[..., t, p] for t, p in den], axis=0)
    return successes, trials


def wilson_interval(successes: Array, trials: Array, level: float) -> tuple[Array, Array]:
    """The Wilson score interval of a proportion; [0, 1] where there are no trials.

    Unlike a bootstrap, it never collapses to a point at a rate of 0 or 1: 0 of 8 positives
    gives [0, 0.32] at 95%, not the [0, 0] certainty every resample would repeat.
    """
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)
    n = np.asarray(trials, dtype=np.float64)
    k = np.asarray(successes, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, k / n, 0.0)
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        lower = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
        upper = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    # At a rate of exactly 0 or 1 the formula's end lands on it; say so without rounding noise.
    lower = np.where((n > 0) & (k == 0), 0.0, lower)
    upper = np.where((n > 0) & (k == n), 1.0, upper)
    return lower, upper


def rate_intervals_at_bounds(
    metric: str, cells: Array, point: Array, lower: Array, upper: Array, level: float
) -> tuple[Array, Array]:
    """Where a group's rate is exactly 0 or 1, or has no trials, its percentile bootstrap
    interval is a point (every resample repeats it): use the Wilson interval there instead."""
    parts = _RATE_PARTS.get(metric)
    if parts is None:
        return lower, upper
    successes, trials = rate_parts(metric, cells)
    degenerate = (trials == 0) | (successes == 0) | (successes == trials)
    if not np.any(degenerate):
        return lower, upper
    w_low, w_high = wilson_interval(successes, trials, level)
    defined = ~np.isnan(point)
    swap = degenerate & defined
    return np.where(swap, w_low, lower), np.where(swap, w_high, upper)


def contain(point: Array, lower: Array, upper: Array) -> tuple[Array, Array]:
    """Widen an interval to reach its point estimate; undefined stays undefined.

    A percentile interval misses its estimate only when fewer than (1 - level) / 2 of the
    resamples lie on one side of it (a skewed, discrete statistic of a small group); reaching
    the estimate then only adds coverage. For sup-t bounds this corrects rounding alone.
    """
    undefined = np.isnan(point) | np.isnan(lower) | np.isnan(upper)
    low: Array = np.where(undefined, np.nan, np.fmin(lower, point))
    high: Array = np.where(undefined, np.nan, np.fmax(upper, point))
    return low, high


Mode = Literal["pairs", "overall", "box"]


@dataclass(frozen=True)
class GapStats:
    """The gaps of one metric in one view: estimates, bootstrap scales, and per resample the
    largest standardised deviation of any gap from its estimate.

    `mode` says what the gaps are: differences of all pairs of groups, of each group and
    overall, or (`box`, for many groups) the groups' own values, whose band is a box whose
    largest difference is the range of max - min over it.
    """

    point: Array  # (gaps,)
    scale: Array  # (gaps,)
    sup: Array  # (resamples,)
    mode: Mode = "pairs"


def gap_stats(
    point_groups: Array,
    point_overall: Array,
    sample_groups: Array,
    sample_overall: Array,
    method: Method,
    log: bool,
) -> GapStats:
    """Gaps of a metric (groups on the last axis; resamples on the first axis of the samples).

    Logarithms of 0 are -inf: a gap with a zero rate is infinite (a ratio of 0) and one between
    two zero rates undefined (0/0), as in the ratio itself.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        point_g, point_o, sample_g, sample_o = (
            np.log(a) if log else np.asarray(a, dtype=np.float64)
            for a in (point_groups, point_overall, sample_groups, sample_overall)
        )
    n_groups = point_g.shape[-1]
    mode: Mode = "overall" if method == "to_overall" else "pairs"
    first, second = np.arange(n_groups), np.arange(0)
    if mode == "pairs" and n_groups > PAIRS_UP_TO:
        mode = "box"
    elif mode == "pairs":
        first, second = np.triu_indices(n_groups, 1)
    point = _gaps(point_g[None], point_o[None], first, second, mode)[0]
    scale = np.empty(len(first), dtype=np.float64)
    sup = np.full(len(sample_g), np.nan)
    step = max(1, BLOCK // max(len(sample_g), 1))
    for begin in range(0, len(first), step):
        part = slice(begin, begin + step)
        gaps = _gaps(sample_g, sample_o, first[part], second[part], mode)
        scale[part], deviation = _standardise(gaps, point[part])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a resample without any gap
            sup = np.fmax(sup, np.nanmax(deviation, axis=1))
    return GapStats(point, scale, sup, mode)


def _gaps(groups: Array, overall: Array, first: Array, second: Array, mode: Mode) -> Array:
    """The gaps of `mode` on rows of group values, shape (rows, gaps)."""
    with np.errstate(invalid="ignore"):  # inf - inf: both logs of 0, an undefined ratio
        if mode == "box":
            return groups[:, first]
        if mode == "overall":
            gaps: Array = groups[:, first] - overall[:, None]
            return gaps
        return groups[:, first] - groups[:, second]


def _standardise(gaps: Array, point: Array) -> tuple[Array, Array]:
    """Each gap's bootstrap standard deviation, and |resampled - estimate| in those units.

    A gap that never varies has scale 0: any resample off its estimate is then infinitely far.
    Undefined resamples (a group absent from the resample) are skipped, as in the metrics.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # fewer than two defined resamples
        if np.isfinite(gaps).all():
            scale: Array = gaps.std(axis=0, ddof=1)
        else:
            scale = np.nanstd(np.where(np.isfinite(gaps), gaps, np.nan), axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        off = np.abs(gaps - point)
        if np.all(scale > 0):
            deviation: Array = off / scale
        else:
            varies = scale > 0
            deviation = np.where(
                varies, off / np.where(varies, scale, 1.0), np.where(off > 0, np.inf, off)
            )
    return scale, deviation


def disparity_bounds(
    stats: Sequence[GapStats], level: float, *, ratio: bool, limit: float
) -> tuple[float, float]:
    """The range of a disparity, the largest gap of `stats` (their union), over the sup-t band.

    For a difference that is [largest distance of a band from 0, largest |band end|] (for a
    box: [max lower - min upper, max upper - min lower]), the upper end capped at `limit` (1
    for differences of rates); a ratio is exp(-x) of that, reversed.
    """
    sup = reduce(np.fmax, (s.sup for s in stats))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # "higher": an order statistic, never interpolated (inf - inf), at worst one step wider
        critical = float(np.nanquantile(sup, level, method="higher")) if sup.size else np.nan
    ranges = np.array([_range(s, critical) for s in stats])
    if np.isnan(ranges).any():
        return np.nan, np.nan  # no resample gave a band
    lower, upper = float(ranges[:, 0].max()), float(ranges[:, 1].max())
    if ratio:
        return float(np.exp(-upper)), float(np.exp(-lower))
    return lower, min(upper, limit)


def _range(stats: GapStats, critical: float) -> tuple[float, float]:
    """The range of the largest |gap| of one metric over its band (0 when it has no gaps)."""
    defined = ~np.isnan(stats.point)
    point, scale = stats.point[defined], stats.scale[defined]
    if len(point) < (2 if stats.mode == "box" else 1):
        return 0.0, 0.0  # at most one group has rows: the disparity is exactly 0 (or 1)
    # scale NaN: too few defined resamples to say anything, unless the gap is infinite
    # (a zero rate stays zero in every resample, so its gap is exactly as estimated)
    fixed = (scale == 0) | np.isinf(point)
    with np.errstate(invalid="ignore"):
        width = np.where(scale > 0, critical * scale, np.where(fixed, 0.0, np.inf))
        low, high = point - width, point + width
        if stats.mode == "box":
            return float(max(0.0, low.max() - high.min())), float(high.max() - low.min())
        near = np.maximum(0.0, np.maximum(low, -high)).max()
        far = np.maximum(np.abs(low), np.abs(high)).max()
    return float(near), float(far)
