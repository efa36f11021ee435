"""Selection audits: who was selected, by group and stratum, with impact ratios and intervals.

A hiring or promotion audit (NYC Local Law 144, the US four-fifths rule) often has no ground
truth, only a decision or a score. Its figures are selection rates per group, each group's impact
ratio to the most-selected group, and whether that ratio is under four fifths. Within strata
(`--control`, fairlearn's control_features) every figure is computed separately per stratum, so
a gap that only appears when unlike exams or job families are pooled does not count, and one
that pooling hides does.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from govern.errors import InputError, UsageError
from govern.evidence.fairness import (
    Disparity,
    FeatureReport,
    GroupReport,
    Interval,
    MetricValue,
    Selection,
    SelectionGroup,
    SelectionView,
    Stratum,
    WorstStratum,
)
from govern.fairness.binomial import IntervalMethod, holm, permutation_p, rate_interval
from govern.fairness.counts import MAX_GROUPS, group_text, label_key, label_text
from govern.fairness.io import (
    Source,
    factorize_arrow,
    first_missing,
    iter_batches,
    read_error,
    require_columns,
    to_float,
)
from govern.fairness.metrics import BINARY_METRICS, binary_metrics

IntArray = npt.NDArray[np.int64]
FOUR_FIFTHS = 0.8


@dataclass(frozen=True)
class SelectionSpec:
    """Who counts as selected, which groups and strata, and how uncertain figures are stated."""

    sensitive: tuple[str, ...]
    y_pred: str | None = None
    y_true: str | None = None  # with it, every rate metric is also stated within each stratum
    score: str | None = None
    threshold: float | Literal["median"] | None = None
    positive_label: str | None = None
    control: tuple[str, ...] = ()
    min_share: float = 0.0
    interval: IntervalMethod = "wilson"
    ci_level: float = 0.95
    permutations: int = 0
    seed: int | None = None
    min_group_size: int = 30

    def check(self) -> None:
        if self.y_pred is None and (self.score is None or self.threshold is None):
            raise UsageError(
                "name who was selected: --y-pred COL, or --score COL with --threshold T|median"
            )
        if self.y_pred is not None and self.threshold is not None:
            raise UsageError("--threshold selects by --score; it cannot be used with --y-pred")
        if not 0 <= self.min_share < 1:
            raise UsageError(f"--min-share must be in [0, 1), e.g. 0.02, not {self.min_share}")
        if self.permutations < 0:
            raise UsageError("--permutations must be 0 (no test) or a number of permutations")
        if len(set(self.control)) != len(self.control):
            raise UsageError(f"--control names a column twice: {', '.join(self.control)}")
        clash = sorted(set(self.control) & set(self.sensitive))
        if clash:
            raise UsageError(f"column {clash[0]!r} is both a sensitive feature and a control")
        decided = {c for c in (self.y_pred, self.score) if c}
        clash = sorted(decided & (set(self.control) | set(self.sensitive)))
        if clash:
            raise UsageError(
                f"column {clash[0]!r} is both a group or control column and the decision or score"
            )


@dataclass(frozen=True)
class SelectionRows:
    """Per row: its level code in each sensitive and control column, and whether it was selected."""

    n_rows: int
    columns: tuple[str, ...]  # sensitive columns, then control columns
    levels: tuple[tuple[str, ...], ...]  # sorted distinct values of each column
    codes: tuple[IntArray, ...]
    selected: npt.NDArray[np.bool_]
    positive_label: str | None
    threshold: float | None
    # Each "row" may stand for many: a warehouse returns one per distinct cell, with its count.
    weight: IntArray | None = None
    truth: npt.NDArray[np.bool_] | None = None  # the true label is the positive one

    def cells(self, codes: IntArray, k: int, mask: npt.NDArray[np.bool_] | None) -> IntArray:
        """Counts per group, true label and decision, shape (k, 2, 2) as metrics.binary_metrics."""
        truth = np.zeros(len(self.selected), np.int64) if self.truth is None else self.truth
        flat = (codes * 2 + truth) * 2 + self.selected
        weight = self.weight
        if mask is not None:
            flat = flat[mask]
            weight = None if weight is None else weight[mask]
        counted = np.bincount(flat, weights=weight, minlength=4 * k)
        return counted.astype(np.int64).reshape(k, 2, 2)


class _Levels:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def lookup(self, values: Sequence[str]) -> IntArray:
        return np.array([self.index.setdefault(v, len(self.index)) for v in values], np.int64)


def _sorted_levels(values: Sequence[str]) -> list[int]:
    """Numeric levels sort as numbers (2 before 10), anything else as text, as the other views."""
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return sorted(range(len(values)), key=lambda i: values[i])
    return sorted(range(len(values)), key=lambda i: (numbers[i], values[i]))


def read_selection(
    source: Source,
    spec: SelectionSpec,
    batches: Iterable[dict[str, Any]] | None = None,
    weight: str | None = None,
) -> SelectionRows:
    """One pass over the file, keeping a code per row and group column and the decision.

    `batches` replaces the file's (a database's grouped rows), `weight` names their column of
    row counts.
    """
    groups = [*spec.sensitive, *spec.control]
    decision = spec.y_pred or spec.score
    assert decision is not None
    truth_column = [spec.y_true] if spec.y_true else []
    if batches is None:
        require_columns(source, [*groups, decision, *truth_column])
        batches = iter_batches(source, [*groups, decision, *truth_column])
    weights: list[IntArray] = []
    levels = [_Levels() for _ in groups]
    parts: list[list[IntArray]] = [[] for _ in groups]
    labels: dict[float | str, int] = {}
    decided: list[npt.NDArray[Any]] = []
    truths: list[IntArray] = []
    offset = 0
    for batch in batches:
        rows = len(batch[decision])
        if rows == 0:
            continue
        if weight is not None:
            weights.append(np.asarray(batch[weight].to_numpy(zero_copy_only=False), np.int64))
        for column in dict.fromkeys([*groups, decision, *truth_column]):
            missing = first_missing(batch[column])
            if missing is not None:
                where = "in the query's rows (NULL)" if weight else f"at row {offset + missing + 1}"
                raise source.error(f"missing value {where}", column)
        for i, column in enumerate(groups):
            factor = _factor(source, batch[column], column)
            parts[i].append(levels[i].lookup([group_text(v) for v in factor.values])[factor.codes])
            if len(levels[i].index) > MAX_GROUPS:
                raise InputError.single(
                    source.display,
                    f"column {column!r} has more than {MAX_GROUPS} distinct values; groups and "
                    "strata need a few values (is it an identifier or an unbinned number?)",
                    field=column,
                )
        if spec.y_true is not None:
            truths.append(_label_codes(source, batch[spec.y_true], spec.y_true, labels))
        if spec.y_pred is not None:
            decided.append(_label_codes(source, batch[decision], decision, labels))
        else:
            decided.append(to_float(source, batch[decision], decision, offset))
        offset += rows
    if offset == 0:
        raise source.error("no data rows")
    counted = np.concatenate(weights) if weights else None
    names, codes = [], []
    for level, part in zip(levels, parts, strict=True):
        values = list(level.index)
        order = _sorted_levels(values)
        rank = np.empty(len(values), np.int64)
        rank[order] = np.arange(len(values))
        names.append(tuple(values[i] for i in order))
        codes.append(rank[np.concatenate(part)])
    truth = None
    if spec.y_pred is not None:
        code, positive = _positive(source.display, spec, labels)
        selected = np.concatenate(decided) == code
        truth = np.concatenate(truths) == code if truths else None
        threshold = None
    else:
        scores = np.concatenate(decided)
        if spec.threshold == "median":
            threshold = float(np.median(scores))
            selected = scores > threshold  # LL144's scoring rate: above the sample median
        else:
            assert isinstance(spec.threshold, float)
            threshold = spec.threshold
            selected = scores >= threshold
        positive = None
    return SelectionRows(
        offset if counted is None else int(counted.sum()),
        tuple(groups),
        tuple(names),
        tuple(codes),
        selected,
        positive,
        threshold,
        counted,
        truth,
    )


def _label_codes(
    source: Source, array: Any, column: str, labels: dict[float | str, int]
) -> IntArray:
    """Each row's label code, shared by the true label and the decision (1 and "1" are one)."""
    factor = _factor(source, array, column)
    keys = [label_key(v) for v in factor.values]
    local = np.array([labels.setdefault(k, len(labels)) for k in keys], np.int64)
    coded: IntArray = local[factor.codes]
    return coded


def _factor(source: Source, array: Any, column: str) -> Any:
    import pyarrow as pa

    try:
        return factorize_arrow(array)
    except pa.ArrowException as exc:
        raise source.error(f"cannot group values of type {array.type} ({exc})", column) from None
    except UnicodeDecodeError:
        raise read_error(source, "text that is not UTF-8", column) from None


def _positive(file: str, spec: SelectionSpec, labels: dict[float | str, int]) -> tuple[int, str]:
    """The selected label: as asked, or 1 for {0, 1} and {-1, 1} decisions, as fairlearn."""
    shown = ", ".join(repr(label_text(k)) for k in labels)
    if spec.positive_label is not None:
        key = label_key(spec.positive_label)
        if key not in labels:
            raise InputError.single(
                file,
                f"positive label {spec.positive_label!r} is not one of the values: {shown}",
                field=spec.y_pred or "",
            )
        return labels[key], label_text(key)
    if set(labels) <= {0.0, 1.0} or set(labels) <= {-1.0, 1.0}:
        return labels.get(1.0, -1), "1"
    raise UsageError(
        f"{file}: the values of {spec.y_pred!r} are {shown}; say which one means selected "
        "with --positive-label"
    )


# -- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    name: str
    columns: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    codes: IntArray  # each row's group index in `groups`
    intersectional: bool


def _views(rows: SelectionRows, n_sensitive: int) -> list[_View]:
    views = [
        _View(
            rows.columns[i],
            (rows.columns[i],),
            tuple((v,) for v in rows.levels[i]),
            rows.codes[i],
            False,
        )
        for i in range(n_sensitive)
    ]
    if n_sensitive > 1:
        views.append(_combined(rows, range(n_sensitive), "+".join(rows.columns[:n_sensitive])))
    return views


def _combined(rows: SelectionRows, indices: Sequence[int], name: str) -> _View:
    levels = [rows.levels[i] for i in indices]
    if math.prod(len(level) for level in levels) > MAX_GROUPS:
        raise UsageError(
            f"the combinations of {', '.join(rows.columns[i] for i in indices)} number more "
            f"than {MAX_GROUPS}; pass fewer columns"
        )
    flat = np.zeros(len(rows.selected), np.int64)
    for i in indices:
        flat = flat * len(rows.levels[i]) + rows.codes[i]
    return _View(name, tuple(rows.columns[i] for i in indices), tuple(product(*levels)), flat, True)


def _rate(selected: int, n: int, spec: SelectionSpec, where: str) -> MetricValue:
    if n == 0:
        return MetricValue(value=None, reason=f"no rows {where}")
    lower, upper = rate_interval(selected, n, spec.ci_level, spec.interval)
    return MetricValue(value=selected / n, ci=Interval(lower=lower, upper=upper))


def _stratum(
    view: _View,
    mask: npt.NDArray[np.bool_] | None,
    label: str,
    values: dict[str, str],
    rows: SelectionRows,
    spec: SelectionSpec,
    rng: np.random.Generator | None,
) -> Stratum:
    k = len(view.groups)
    cells = rows.cells(view.codes, k, mask)
    sizes, hits = cells.sum(axis=(1, 2)), cells[:, :, 1].sum(axis=1)
    total = int(sizes.sum())
    where = "in this group" if mask is None else "in this group within the stratum"
    rates_by_group = _rate_metrics(cells, spec, where) if rows.truth is not None else None
    shares = [int(n) / total if total else None for n in sizes]
    included = [g for g in range(k) if sizes[g] > 0 and (shares[g] or 0) >= spec.min_share]
    excluded = [g for g in range(k) if sizes[g] > 0 and g not in included]
    rates = [int(hits[g]) / int(sizes[g]) if sizes[g] else math.nan for g in range(k)]
    top = max((rates[g] for g in included), default=math.nan)
    undefined = _undefined_ratio(included, top)
    groups = []
    for g in range(k):
        ratio: MetricValue | None = None
        below: bool | None = None
        if g in included:
            if undefined:
                ratio = MetricValue(value=None, reason=undefined)
            else:
                ratio = MetricValue(value=rates[g] / top)
                below = rates[g] / top < FOUR_FIFTHS
        groups.append(
            SelectionGroup(
                group="|".join(view.groups[g]),
                values=dict(zip(view.columns, view.groups[g], strict=True)),
                count=int(sizes[g]),
                selected=int(hits[g]),
                share=shares[g],
                selection_rate=_rate(int(hits[g]), int(sizes[g]), spec, where),
                impact_ratio=ratio,
                excluded=g in excluded,
                below_four_fifths=below,
                metrics=None if rates_by_group is None else rates_by_group[g],
            )
        )
    if undefined:
        impact = MetricValue(value=None, reason=undefined)
    else:
        impact = MetricValue(value=min(rates[g] for g in included) / top)
    if not included:
        difference = MetricValue(value=None, reason="no group with rows is included")
    else:
        difference = MetricValue(value=top - min(rates[g] for g in included))
    p_value = None
    if spec.permutations > 0:
        assert rng is not None
        if len(included) < 2:
            p_value = MetricValue(value=None, reason="fewer than two included groups to compare")
        else:
            p = permutation_p(
                [int(sizes[g]) for g in included],
                [int(hits[g]) for g in included],
                spec.permutations,
                rng,
            )
            p_value = MetricValue(value=p)
    return Stratum(
        stratum=label,
        values=values,
        count=total,
        groups=groups,
        excluded=["|".join(view.groups[g]) for g in excluded],
        impact_ratio=impact,
        difference=difference,
        p_value=p_value,
        differences=None if rates_by_group is None else _differences(rates_by_group, included),
    )


# The rates a stratum states beside the selection rate when the true label is known.
STRATUM_RATES = tuple(name for name in BINARY_METRICS if name != "selection_rate")
_TRIALS = {
    "accuracy": "no rows",
    "true_positive_rate": "no rows with the positive true label",
    "false_negative_rate": "no rows with the positive true label",
    "false_positive_rate": "no rows with the negative true label",
    "true_negative_rate": "no rows with the negative true label",
    "precision": "no one selected",
}


def _rate_metrics(cells: IntArray, spec: SelectionSpec, where: str) -> list[dict[str, MetricValue]]:
    """Every rate of each group, fairlearn's value with a binomial interval; undefined (null,
    with the reason) where it has no trials, where fairlearn would write 0 by convention."""
    from govern.fairness.intervals import rate_parts

    values = binary_metrics(cells)
    out: list[dict[str, MetricValue]] = [{} for _ in range(len(cells))]
    for name in STRATUM_RATES:
        successes, trials = rate_parts(name, cells)
        for g, metrics in enumerate(out):
            n = int(trials[g])
            if n == 0:
                metrics[name] = MetricValue(value=None, reason=f"{_TRIALS[name]} {where}")
                continue
            lower, upper = rate_interval(int(successes[g]), n, spec.ci_level, spec.interval)
            interval = Interval(lower=lower, upper=upper)
            metrics[name] = MetricValue(value=float(values[name][g]), ci=interval)
    return out


def _differences(
    rates: list[dict[str, MetricValue]], included: list[int]
) -> dict[str, MetricValue]:
    """Largest gap of each rate between included groups where it is defined (fairlearn's
    between_groups difference within the stratum)."""
    out = {}
    for name in STRATUM_RATES:
        defined = [v for g in included if (v := rates[g][name].value) is not None]
        if len(defined) < 1:
            out[name] = MetricValue(value=None, reason="no included group where it is defined")
        else:
            out[name] = MetricValue(value=max(defined) - min(defined))
    return out


def _undefined_ratio(included: list[int], top: float) -> str | None:
    if not included:
        return "no group with rows is at or above the minimum share"
    if top == 0:
        return "no one in an included group was selected: every impact ratio is 0/0"
    return None


def selection_section(rows: SelectionRows, spec: SelectionSpec) -> tuple[Selection, int | None]:
    """Every view within every stratum, p-values Holm-adjusted together; returns the seed used."""
    seed = spec.seed
    if seed is None and spec.permutations > 0:
        seed = secrets.randbits(32)
    rng = np.random.default_rng(seed) if spec.permutations > 0 else None
    n_sensitive = len(spec.sensitive)
    strata: list[tuple[str, dict[str, str], npt.NDArray[np.bool_] | None]] = []
    if spec.control:
        control = _combined(rows, range(n_sensitive, len(rows.columns)), "+".join(spec.control))
        present = np.bincount(control.codes, minlength=len(control.groups))
        for c in np.flatnonzero(present):
            values = dict(zip(control.columns, control.groups[c], strict=True))
            strata.append(("|".join(control.groups[c]), values, control.codes == c))
    else:
        strata.append(("all", {}, None))
    raw: list[tuple[_View, list[Stratum]]] = []
    for view in _views(rows, n_sensitive):
        raw.append(
            (
                view,
                [
                    _stratum(view, mask, label, vals, rows, spec, rng)
                    for label, vals, mask in strata
                ],
            )
        )
    raw = _adjust(raw)
    views = [
        SelectionView(
            name=view.name,
            columns=list(view.columns),
            intersectional=view.intersectional,
            strata=list(found),
            worst=_worst(found),
        )
        for view, found in raw
    ]
    threshold_rule: Literal["prediction", "threshold", "median"] = (
        "prediction" if spec.y_pred else "median" if spec.threshold == "median" else "threshold"
    )
    section = Selection(
        rule=threshold_rule,
        column=spec.y_pred or spec.score or "",
        positive_label=rows.positive_label,
        threshold=rows.threshold,
        control=list(spec.control),
        min_share=spec.min_share,
        four_fifths=FOUR_FIFTHS,
        interval=spec.interval,
        ci_level=spec.ci_level,
        permutations=spec.permutations,
        seed=seed,
        views=views,
    )
    return section, seed


def _adjust(raw: list[tuple[_View, list[Stratum]]]) -> list[tuple[_View, list[Stratum]]]:
    """Holm across every defined p-value of the report: one family, as the gates read it."""
    found = [
        (v, s)
        for v, (_, strata) in enumerate(raw)
        for s, st in enumerate(strata)
        if st.p_value is not None and st.p_value.value is not None
    ]
    adjusted = holm([raw[v][1][s].p_value.value for v, s in found])  # type: ignore[union-attr,misc]
    lookup = dict(zip(found, adjusted, strict=True))
    out = []
    for v, (view, strata) in enumerate(raw):
        new = []
        for s, st in enumerate(strata):
            if st.p_value is None:
                new.append(st)
                continue
            holm_value = (
                MetricValue(value=lookup[(v, s)])
                if (v, s) in lookup
                else MetricValue(value=None, reason=st.p_value.reason)
            )
            new.append(st.model_copy(update={"p_value_holm": holm_value}))
        out.append((view, new))
    return out


def _worst(strata: Sequence[Stratum]) -> WorstStratum:
    defined = [s for s in strata if s.impact_ratio.value is not None]
    undefined = [s.stratum for s in strata if s.impact_ratio.value is None]
    if not defined:
        reasons = sorted({s.impact_ratio.reason or "" for s in strata})
        return WorstStratum(
            stratum=None,
            impact_ratio=MetricValue(value=None, reason="; ".join(reasons)),
            undefined=undefined,
        )
    worst = min(defined, key=lambda s: s.impact_ratio.value or 0.0)
    return WorstStratum(
        stratum=worst.stratum,
        impact_ratio=worst.impact_ratio,
        p_value_holm=worst.p_value_holm,
        undefined=undefined,
    )


# -- the fairlearn-shaped part of a selection-only report -----------------------------------------


def pooled_features(
    rows: SelectionRows, spec: SelectionSpec
) -> tuple[dict[str, MetricValue], list[FeatureReport]]:
    """selection_rate per group and demographic parity disparities, fairlearn's definitions.

    Pooled over strata and over every group with rows (no minimum share), so that the existing
    demographic-parity gates read a selection-only report as they read any other.
    """
    n = rows.n_rows
    weight = rows.weight
    chosen = int(rows.selected.sum() if weight is None else weight[rows.selected].sum())
    overall_rate = chosen / n
    overall = {"selection_rate": _rate(chosen, n, spec, "")}
    features = []
    for view in _views(rows, len(spec.sensitive)):
        k = len(view.groups)
        cells = rows.cells(view.codes, k, None)
        sizes, hits = cells.sum(axis=(1, 2)), cells[:, :, 1].sum(axis=1)
        groups = [
            GroupReport(
                group="|".join(view.groups[g]),
                values=dict(zip(view.columns, view.groups[g], strict=True)),
                count=int(sizes[g]),
                small=int(sizes[g]) < spec.min_group_size,
                metrics={
                    "selection_rate": _rate(int(hits[g]), int(sizes[g]), spec, "in this group")
                },
            )
            for g in range(k)
        ]
        rates = [int(hits[g]) / int(sizes[g]) for g in range(k) if sizes[g]]
        high, low = max(rates), min(rates)
        to_overall = [abs(r - overall_rate) for r in rates]
        ratios = [_to_overall_ratio(r, overall_rate) for r in rates]
        features.append(
            FeatureReport(
                name=view.name,
                columns=list(view.columns),
                intersectional=view.intersectional,
                groups=groups,
                disparities={
                    "demographic_parity_difference": Disparity(
                        between_groups=MetricValue(value=high - low),
                        to_overall=MetricValue(value=max(to_overall)),
                    ),
                    "demographic_parity_ratio": Disparity(
                        between_groups=_ratio(low, high),
                        to_overall=_finite(min(ratios) if ratios else math.nan),
                    ),
                },
            )
        )
    return overall, features


def _to_overall_ratio(rate: float, overall: float) -> float:
    """fairlearn's to_overall ratio of one group: the smaller of rate/overall and its inverse."""
    if overall == 0:
        return math.nan
    if rate == 0:
        return 0.0
    return min(rate / overall, overall / rate)


def _ratio(low: float, high: float) -> MetricValue:
    if high == 0:
        return MetricValue(value=None, reason="no group has a selection: the ratio is 0/0")
    return MetricValue(value=low / high)


def _finite(value: float) -> MetricValue:
    if math.isnan(value):
        return MetricValue(value=None, reason="a group or the overall selection rate is 0")
    return MetricValue(value=value)


def selection_warnings(section: Selection, min_group_size: int) -> list[str]:
    """What makes a selection figure weaker than it looks, in report order."""
    out = []
    for view in section.views:
        for stratum in view.strata:
            where = view.name if stratum.stratum == "all" else f"{view.name} in {stratum.stratum}"
            if stratum.excluded:
                out.append(
                    f"{where}: {', '.join(stratum.excluded)} excluded from impact ratios "
                    f"(under {section.min_share:.0%} of the rows)"
                )
            if stratum.impact_ratio.value is None:
                out.append(f"{where}: impact ratios undefined ({stratum.impact_ratio.reason})")
            for group in stratum.groups:
                if 0 < group.count < min_group_size:
                    out.append(
                        f"{where}: group {group.group} has {group.count} rows, fewer than the "
                        f"minimum group size {min_group_size}; see its interval"
                    )
    return out
