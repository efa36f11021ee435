"""Group metrics and disparities from cell counts, defined exactly as fairlearn and sklearn do."""

# Every function here works on arrays with any number of leading axes, so the same code computes
# the point estimate (no leading axis) and all bootstrap resamples at once (one leading axis).

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]
Method = Literal["between_groups", "to_overall"]
METHODS: tuple[Method, ...] = ("between_groups", "to_overall")

BINARY_METRICS = (
    "selection_rate",
    "accuracy",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "true_negative_rate",
    "precision",
)
SCORE_METRICS = ("roc_auc",)
REGRESSION_METRICS = ("mean_prediction", "mean_absolute_error", "root_mean_squared_error")
BINARY_DISPARITIES = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
)
REGRESSION_DISPARITIES = tuple(f"{name}_difference" for name in REGRESSION_METRICS)


@dataclass(frozen=True)
class GapForm:
    """A disparity as the largest gap: |a - b| of a metric between two groups (between_groups) or
    a group and overall (to_overall), over `metrics`. A ratio is exp(-largest gap of logarithms),
    which is min / max (or the smallest folded group / overall) written as a largest gap."""

    metrics: tuple[str, ...]
    ratio: bool = False


DISPARITY_FORMS: dict[str, GapForm] = {
    "demographic_parity_difference": GapForm(("selection_rate",)),
    "demographic_parity_ratio": GapForm(("selection_rate",), ratio=True),
    "equalized_odds_difference": GapForm(("true_positive_rate", "false_positive_rate")),
    "equalized_odds_ratio": GapForm(("true_positive_rate", "false_positive_rate"), ratio=True),
    "equal_opportunity_difference": GapForm(("true_positive_rate",)),
    **{f"{name}_difference": GapForm((name,)) for name in REGRESSION_METRICS},
}


def _divide(numerator: Array, denominator: Array, *, empty: float) -> Array:
    """numerator / denominator, with `empty` where the denominator is 0."""
    numerator, denominator = np.broadcast_arrays(numerator, denominator)
    out = np.full(numerator.shape, empty, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def binary_metrics(cells: Array) -> dict[str, Array]:
    """Metrics from confusion counts `cells[..., true, pred]` (index 1 = positive).

    Conventions follow the reference implementations, not taste: scikit-learn's confusion matrix
    normalisation turns 0/0 into 0, so a group without positives has TPR and FNR 0 (and one
    without negatives FPR and TNR 0); precision without predicted positives is 0
    (zero_division="warn"). Only a group with no rows at all (an empty intersection cell, or a
    group missing from a bootstrap resample) is NaN, as in MetricFrame.by_group.
    """
    counts = cells.astype(np.float64)
    tn, fp = counts[..., 0, 0], counts[..., 0, 1]
    fn, tp = counts[..., 1, 0], counts[..., 1, 1]
    total = tn + fp + fn + tp
    positives, negatives, predicted = tp + fn, tn + fp, tp + fp
    nan = np.where(total > 0, 0.0, np.nan)  # adds NaN to every metric of an empty group
    return {
        "selection_rate": _divide(predicted, total, empty=np.nan),
        "accuracy": _divide(tp + tn, total, empty=np.nan),
        "true_positive_rate": _divide(tp, positives, empty=0.0) + nan,
        "false_positive_rate": _divide(fp, negatives, empty=0.0) + nan,
        "false_negative_rate": _divide(fn, positives, empty=0.0) + nan,
        "true_negative_rate": _divide(tn, negatives, empty=0.0) + nan,
        "precision": _divide(tp, predicted, empty=0.0) + nan,
    }


def regression_metrics(cells: Array) -> dict[str, Array]:
    """Mean prediction, MAE and RMSE from per-cell count and sums (see counts.REGRESSION_STATS)."""
    count = cells[..., 0]
    mean_squared = _divide(cells[..., 3], count, empty=np.nan)
    return {
        "mean_prediction": _divide(cells[..., 1], count, empty=np.nan),
        "mean_absolute_error": _divide(cells[..., 2], count, empty=np.nan),
        "root_mean_squared_error": np.sqrt(mean_squared),
    }


def difference(groups: Array, overall: Array, method: Method) -> Array:
    """MetricFrame.difference: max - min over groups, or the largest |group - overall|.

    NaN groups are skipped (pandas' skipna), and all-NaN gives NaN; np.fmax/np.fmin do both.
    """
    if method == "between_groups":
        result: Array = np.fmax.reduce(groups, axis=-1) - np.fmin.reduce(groups, axis=-1)
        return result
    gaps = np.abs(groups - np.asarray(overall)[..., None])
    spread: Array = np.fmax.reduce(gaps, axis=-1)
    return spread


def ratio(groups: Array, overall: Array, method: Method) -> Array:
    """MetricFrame.ratio: min / max over groups, or the smallest group/overall folded below 1.

    0/0 is NaN and x/0 is inf (folded to 0), as pandas division gives.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "between_groups":
            result: Array = np.fmin.reduce(groups, axis=-1) / np.fmax.reduce(groups, axis=-1)
            return result
        ratios = groups / np.asarray(overall)[..., None]
        folded = np.where(ratios > 1, 1 / ratios, ratios)
    smallest: Array = np.fmin.reduce(folded, axis=-1)
    return smallest


def _python_max(first: Array, second: Array) -> Array:
    """Python's max(first, second): fairlearn applies the builtin to a Series, so NaN first wins."""
    return np.where(second > first, second, first)


def _python_min(first: Array, second: Array) -> Array:
    return np.where(second < first, second, first)


def binary_disparities(
    groups: Mapping[str, Array], overall: Mapping[str, Array]
) -> dict[str, dict[Method, Array]]:
    """fairlearn's demographic parity, equalized odds and equal opportunity disparities.

    Equalized odds is the worst of the TPR and FPR disparities (agg="worst_case").
    """
    out: dict[str, dict[Method, Array]] = {name: {} for name in BINARY_DISPARITIES}
    sel, tpr, fpr = "selection_rate", "true_positive_rate", "false_positive_rate"
    for method in METHODS:
        tpr_diff = difference(groups[tpr], overall[tpr], method)
        fpr_diff = difference(groups[fpr], overall[fpr], method)
        tpr_ratio = ratio(groups[tpr], overall[tpr], method)
        fpr_ratio = ratio(groups[fpr], overall[fpr], method)
        out["demographic_parity_difference"][method] = difference(groups[sel], overall[sel], method)
        out["demographic_parity_ratio"][method] = ratio(groups[sel], overall[sel], method)
        out["equalized_odds_difference"][method] = _python_max(tpr_diff, fpr_diff)
        out["equalized_odds_ratio"][method] = _python_min(tpr_ratio, fpr_ratio)
        out["equal_opportunity_difference"][method] = tpr_diff
    return out


def regression_disparities(
    groups: Mapping[str, Array], overall: Mapping[str, Array]
) -> dict[str, dict[Method, Array]]:
    return {
        f"{name}_difference": {
            method: difference(groups[name], overall[name], method) for method in METHODS
        }
        for name in REGRESSION_METRICS
    }


@dataclass(frozen=True)
class RankIndex:
    """The tie blocks of one view: rows of equal (group, score), in (group, score) order.

    ROC AUC is the Mann-Whitney statistic: for each positive, the negatives of its group with a
    lower score, plus half of those with an equal score. That needs only the positive and
    negative weight of each block, so a resample is one weighted bincount over `cells` (each
    row's block and label) followed by work on blocks, not rows.

    Rows are taken in ascending score order (the caller sorts once for all views), and row
    weights passed to `auc` are in that order too.
    """

    cells: Array  # int32, or int64 beyond 2**30 blocks
    block_group: npt.NDArray[np.int64]
    group_first_block: npt.NDArray[np.int64]
    n_groups: int

    @classmethod
    def build(cls, groups: Array, ties: Array, positive: Array, n_groups: int) -> RankIndex:
        """Index rows sorted by score; `ties` numbers the distinct scores (equal score, equal id).

        Only narrow arrays are gathered here: at ten million rows each full-width gather costs
        more than the whole count pass.
        """
        n = len(groups)
        order: Array | None = None
        if n_groups > 1:
            narrow = groups.astype(np.int16 if n_groups < 1 << 15 else np.int32, copy=False)
            order = np.argsort(narrow, kind="stable")  # radix sort: by group, then score
            groups, ties, positive = narrow[order], ties[order], positive[order]
        new_block = np.ones(n, dtype=np.bool_)
        new_block[1:] = (groups[1:] != groups[:-1]) | (ties[1:] != ties[:-1])
        n_blocks = int(np.count_nonzero(new_block))
        dtype = np.int32 if 2 * n_blocks < 1 << 31 else np.int64
        in_order: Array = np.cumsum(new_block, dtype=dtype)
        in_order -= 1
        in_order *= 2
        in_order += positive
        if order is None:
            cells = in_order
        else:
            cells = np.empty(n, dtype=dtype)
            cells[order] = in_order
        del in_order, order
        block_group = groups[new_block].astype(np.int64)
        new_group = np.ones(n_blocks, dtype=np.bool_)
        new_group[1:] = block_group[1:] != block_group[:-1]
        first = np.flatnonzero(new_group)
        group_first_block = np.zeros(n_groups, dtype=np.int64)
        group_first_block[block_group[first]] = first
        return cls(cells, block_group, group_first_block, n_groups)

    @classmethod
    def from_scores(
        cls,
        groups: npt.NDArray[np.integer[Any]],
        score: npt.NDArray[np.float64],
        positive: npt.NDArray[np.bool_],
        n_groups: int,
    ) -> RankIndex:
        """Index rows already sorted by score."""
        ties = np.zeros(len(score), dtype=np.int64)
        np.cumsum(score[1:] != score[:-1], out=ties[1:])
        return cls.build(groups, ties, positive, n_groups)

    def auc(self, weights: Array | None = None) -> Array:
        """ROC AUC per group; NaN for a group without both classes (sklearn's behaviour).

        `weights` are per-row multiplicities (a bootstrap resample), in score order.
        """
        size = 2 * len(self.block_group)
        if size == 0:
            return np.full(self.n_groups, np.nan)
        per_cell: Array
        if weights is None:
            per_cell = np.bincount(self.cells, minlength=size).astype(np.float64)
        else:
            per_cell = np.bincount(self.cells, weights=weights, minlength=size)
        neg_block, pos_block = per_cell[0::2], per_cell[1::2]
        neg_before = np.cumsum(neg_block) - neg_block
        neg_before -= neg_before[self.group_first_block[self.block_group]]
        wins = pos_block * (neg_before + 0.5 * neg_block)
        groups = self.n_groups
        numerator = np.bincount(self.block_group, weights=wins, minlength=groups)
        n_pos = np.bincount(self.block_group, weights=pos_block, minlength=groups)
        n_neg = np.bincount(self.block_group, weights=neg_block, minlength=groups)
        return _divide(numerator, n_pos * n_neg, empty=np.nan)
