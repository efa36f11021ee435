"""Reduce prediction rows, chunk by chunk, to counts per (group, true label, prediction) cell."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from govern.errors import InputError, UsageError

Task = Literal["binary", "regression"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# A view (one feature or the intersection) with more groups than this is almost certainly an
# identifier or an unbinned number, and its report would be unreadable and slow to bootstrap.
MAX_GROUPS = 1000
REGRESSION_STATS = ("count", "sum_prediction", "sum_absolute_error", "sum_squared_error")


@dataclass(frozen=True)
class Factorized:
    """One chunk of one column as distinct values plus a code per row, the form every reader yields.

    Codes are local to the chunk; `CountBuilder` maps them to codes stable over the whole file.
    """

    values: list[Any]
    codes: npt.NDArray[np.integer[Any]]


def factorize(array: npt.NDArray[Any]) -> Factorized:
    """Distinct values and per-row codes of a numpy column; small integer ranges avoid sorting."""
    if array.dtype.kind == "b":
        as_int = array.astype(np.int64)
        present = np.bincount(as_int, minlength=2) > 0
        rank = np.cumsum(present) - 1
        return Factorized([bool(v) for v in np.flatnonzero(present)], rank[as_int])
    if array.dtype.kind in "iu" and array.size:
        low, high = int(array.min()), int(array.max())
        if high - low < 1 << 16:
            shifted = array.astype(np.int64) - low
            present = np.bincount(shifted, minlength=high - low + 1) > 0
            rank = np.cumsum(present) - 1
            return Factorized([int(v) + low for v in np.flatnonzero(present)], rank[shifted])
    unique, codes = np.unique(array, return_inverse=True)
    return Factorized(unique.tolist(), codes.reshape(-1))


def first_missing(array: npt.NDArray[Any]) -> int | None:
    """Index of the first missing value (None or NaN) in a numpy column, or None if complete."""
    if array.dtype.kind == "f":
        bad = np.flatnonzero(np.isnan(array))
        return int(bad[0]) if bad.size else None
    if array.dtype.kind == "O":
        for i, value in enumerate(array.tolist()):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return i
    return None


def group_text(value: Any) -> str:
    """A group's label in the report: integers without ".0", booleans lower-case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def label_key(value: Any) -> float | str:
    """Identify labels by value so 1, 1.0, "1" and True are one label, as numpy equality would."""
    if isinstance(value, bool | int | float):
        return float(value)
    text = str(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def label_text(key: float | str) -> str:
    if isinstance(key, float):
        return str(int(key)) if key.is_integer() else repr(key)
    return key


def _level_order(values: Sequence[str]) -> list[int]:
    """Numeric labels sort as numbers (2 before 10), anything else as text, so output is stable."""
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return sorted(range(len(values)), key=lambda i: values[i])
    return sorted(range(len(values)), key=lambda i: (numbers[i], values[i]))


class _Levels:
    """The distinct values of one column, each with a code fixed at first sight."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.values: list[Any] = []

    def __len__(self) -> int:
        return len(self.values)

    def lookup(self, keys: Sequence[Any]) -> IntArray:
        out = np.empty(len(keys), dtype=np.int64)
        for i, key in enumerate(keys):
            code = self.index.get(key)
            if code is None:
                code = self.index[key] = len(self.values)
                self.values.append(key)
            out[i] = code
        return out


@dataclass(frozen=True)
class Rows:
    """Row-level data kept only for what counts cannot give: ROC AUC and regression bootstraps.

    `groups` is each row's cell in the intersection, in the sorted level order of `Counts`.
    """

    groups: npt.NDArray[np.int32]
    score: FloatArray | None = None
    positive: BoolArray | None = None
    y_true: FloatArray | None = None
    y_pred: FloatArray | None = None


@dataclass(frozen=True)
class Counts:
    """Everything the metrics need, reduced from the rows in one pass.

    Binary: `cells[g1, ..., gm, t, p]` counts rows with those group codes, true label `t` and
    predicted label `p` (1 = the positive label). Regression: `cells[g1, ..., gm, s]` holds the
    statistics named in REGRESSION_STATS. Levels are sorted, so group codes are report order.
    """

    task: Task
    features: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    cells: npt.NDArray[Any]
    n_rows: int
    positive_label: str | None = None
    label_values: tuple[str, ...] = ()
    rows: Rows | None = None

    @property
    def trailing(self) -> int:
        """How many axes after the group axes hold per-cell statistics."""
        return 2 if self.task == "binary" else 1


class CountBuilder:
    """Accumulate counts from chunks; memory is bounded by the number of cells, not rows.

    Rows are kept only for a score column, or for a regression task when `keep_rows` asks
    (its bootstrap needs each row's error).
    """

    def __init__(
        self,
        *,
        file: str,
        task: Task,
        y_true: str,
        y_pred: str,
        features: Sequence[str],
        positive_label: str | None = None,
        keep_rows: bool = False,
        has_score: bool = False,
    ) -> None:
        if not features:
            raise UsageError("name at least one sensitive feature column")
        self.file = file
        self.task: Task = task
        self.columns = (y_true, y_pred)
        self.features = tuple(features)
        self.positive_label = positive_label
        # Binary bootstraps resample counts; only ROC AUC and regression need the rows.
        self.keep_rows = has_score or (keep_rows and task == "regression")
        self.has_score = has_score
        self.levels = [_Levels() for _ in features]
        self.labels = _Levels()
        trailing: tuple[int, ...] = (2, 2) if task == "binary" else (len(REGRESSION_STATS),)
        dtype = np.int64 if task == "binary" else np.float64
        self.cells: npt.NDArray[Any] = np.zeros((0,) * len(features) + trailing, dtype=dtype)
        self.n_rows = 0
        self._row_codes: list[list[npt.NDArray[np.int32]]] = [[] for _ in features]
        self._row_label: list[npt.NDArray[np.int8]] = []
        self._row_score: list[FloatArray] = []
        self._row_true: list[FloatArray] = []
        self._row_pred: list[FloatArray] = []

    # -- chunks ---------------------------------------------------------------------------------

    def _group_codes(self, groups: Sequence[Factorized]) -> IntArray:
        """Global group codes of the chunk, combined into one intersection cell index per row."""
        if len(groups) != len(self.features):
            raise ValueError("one Factorized per sensitive feature expected")
        codes: list[IntArray] = []
        for name, levels, column in zip(self.features, self.levels, groups, strict=True):
            mapped = levels.lookup([group_text(v) for v in column.values])
            if len(levels) > MAX_GROUPS:
                raise InputError.single(
                    self.file,
                    f"sensitive column {name!r} has more than {MAX_GROUPS} distinct values; "
                    "group metrics need a few groups (is it an identifier or an unbinned number?)",
                    field=name,
                )
            codes.append(mapped[column.codes])
        sizes = [len(levels) for levels in self.levels]
        if math.prod(sizes) > MAX_GROUPS:
            raise UsageError(
                f"{self.file}: the intersection of {', '.join(self.features)} has "
                f"{math.prod(sizes)} groups, more than {MAX_GROUPS}; pass fewer sensitive columns"
            )
        self._grow(sizes)
        if self.keep_rows:
            for store, code in zip(self._row_codes, codes, strict=True):
                store.append(code.astype(np.int32))
        flat: IntArray = codes[0]
        for size, code in zip(sizes[1:], codes[1:], strict=True):
            flat = flat * size + code
        return flat

    def _grow(self, sizes: list[int]) -> None:
        old = self.cells.shape[: len(sizes)]
        if tuple(sizes) != old:
            pad = [(0, new - had) for new, had in zip(sizes, old, strict=True)]
            pad += [(0, 0)] * (self.cells.ndim - len(sizes))
            self.cells = np.pad(self.cells, pad)

    def add_binary(
        self,
        y_true: Factorized,
        y_pred: Factorized,
        groups: Sequence[Factorized],
        score: FloatArray | None = None,
        weights: IntArray | None = None,
    ) -> None:
        """Add one chunk of a binary task; labels are coded by first appearance until `finish`.

        `weights` makes each row stand for that many (a database's grouped counts).
        """
        if self.task != "binary":
            raise ValueError("add_binary on a regression builder")
        codes = []
        for column, factor in zip(self.columns, (y_true, y_pred), strict=True):
            mapped = self.labels.lookup([label_key(v) for v in factor.values])
            if len(self.labels) > 2:
                raise self._too_many_labels(column)
            codes.append(mapped[factor.codes])
        true_code, pred_code = codes
        flat = self._group_codes(groups)
        flat = (flat * 2 + true_code) * 2 + pred_code
        counted = np.bincount(flat, weights=weights, minlength=self.cells.size)
        self.cells += counted.astype(np.int64).reshape(self.cells.shape)
        self.n_rows += len(flat) if weights is None else int(weights.sum())
        if self.keep_rows:
            self._row_label.append(true_code.astype(np.int8))
            if score is not None:
                self._row_score.append(score)

    def add_regression(
        self, y_true: FloatArray, y_pred: FloatArray, groups: Sequence[Factorized]
    ) -> None:
        """Add one chunk of a regression task: per-cell count and sums, all that MAE/RMSE need."""
        if self.task != "regression":
            raise ValueError("add_regression on a binary builder")
        flat = self._group_codes(groups)
        size = math.prod(self.cells.shape[:-1])
        error = y_pred - y_true
        stats = np.stack(
            [
                np.bincount(flat, minlength=size).astype(np.float64),
                np.bincount(flat, weights=y_pred, minlength=size),
                np.bincount(flat, weights=np.abs(error), minlength=size),
                np.bincount(flat, weights=error * error, minlength=size),
            ],
            axis=-1,
        )
        self.cells += stats.reshape(self.cells.shape)
        self.n_rows += len(flat)
        if self.keep_rows:
            self._row_true.append(y_true)
            self._row_pred.append(y_pred)

    def _too_many_labels(self, column: str) -> InputError:
        shown = ", ".join(repr(label_text(v)) for v in self.labels.values[:3])
        hint = ""
        if all(isinstance(v, float) for v in self.labels.values):
            hint = "; for a numeric target pass --task regression"
        return InputError.single(
            self.file,
            f"a binary task needs at most two labels in {self.columns[0]!r} and "
            f"{self.columns[1]!r} together, found {shown} ...{hint}",
            field=column,
        )

    # -- end ------------------------------------------------------------------------------------

    def finish(self) -> Counts:
        """Sort levels, fix the positive label, and assemble the kept rows."""
        if self.n_rows == 0:
            raise InputError.single(self.file, "no data rows")
        levels: list[tuple[str, ...]] = []
        ranks: list[IntArray] = []
        cells = self.cells
        for axis, found in enumerate(self.levels):
            order = _level_order(found.values)
            levels.append(tuple(found.values[i] for i in order))
            cells = np.take(cells, order, axis=axis)
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            ranks.append(rank)
        positive_text: str | None = None
        label_values: tuple[str, ...] = ()
        positive_code = 1
        if self.task == "binary":
            positive_code, positive_text = self._positive()
            label_values = tuple(label_text(v) for v in self.labels.values)
            if positive_code == 0:
                cells = cells[..., ::-1, ::-1].copy()
        rows = self._rows(ranks, positive_code) if self.keep_rows else None
        return Counts(
            task=self.task,
            features=self.features,
            levels=tuple(levels),
            cells=cells,
            n_rows=self.n_rows,
            positive_label=positive_text,
            label_values=label_values,
            rows=rows,
        )

    def _positive(self) -> tuple[int, str]:
        """The positive label's code: as asked, or 1 for {0, 1} and {-1, 1} labels, as fairlearn."""
        found = self.labels.values
        shown = ", ".join(repr(label_text(v)) for v in found)
        if self.positive_label is not None:
            key = label_key(self.positive_label)
            if key in self.labels.index:
                return self.labels.index[key], label_text(key)
            if len(found) == 2:
                raise InputError.single(
                    self.file,
                    f"positive label {self.positive_label!r} is not one of the labels in "
                    f"{self.columns[0]!r} and {self.columns[1]!r}: {shown}",
                    field=self.columns[0],
                )
            return 1, label_text(key)  # only the negative label occurs: code 1 stays empty
        if set(found) <= {0.0, 1.0} or set(found) <= {-1.0, 1.0}:
            return self.labels.index.get(1.0, 1), "1"
        raise UsageError(
            f"{self.file}: the labels of {self.columns[0]!r} are {shown}; say which one is the "
            "positive outcome with --positive-label"
        )

    def _rows(self, ranks: list[IntArray], positive_code: int) -> Rows:
        sizes = [len(rank) for rank in ranks]
        flat = np.zeros(self.n_rows, dtype=np.int32)  # < MAX_GROUPS cells: narrow is faster
        for size, rank, chunks in zip(sizes, ranks, self._row_codes, strict=True):
            flat *= size
            flat += rank.astype(np.int32)[np.concatenate(chunks)]
        self._row_codes = [[] for _ in self.features]
        if self.task == "regression":
            return Rows(
                groups=flat,
                y_true=np.concatenate(self._row_true),
                y_pred=np.concatenate(self._row_pred),
            )
        positive = np.concatenate(self._row_label) == positive_code
        score = np.concatenate(self._row_score) if self.has_score else None
        return Rows(groups=flat, score=score, positive=positive)


CHUNK_ROWS = 1 << 16


def _pandas() -> Any | None:
    """pandas when it is there: its hash factorize is the fast way to code text columns."""
    import sys

    module = sys.modules.get("pandas")
    if module is not None:
        return module
    try:
        import pandas
    except ImportError:
        return None
    return pandas


def _is_text(values: Any) -> bool:
    """Object, string or categorical columns: what numpy can only sort to group, slowly."""
    dtype = getattr(values, "dtype", None)
    return dtype is None or getattr(dtype, "kind", "O") in "OUS"


def _whole_column(name: str, values: Any, label: str) -> Factorized | None:
    """A text column coded once for the whole length with pandas (codes -1 mark missing).

    None when pandas is absent or the column is numeric: numeric chunks factorize fast alone.
    """
    if not hasattr(values, "dtype"):
        values = np.asarray(values)  # a list: pandas.factorize takes arrays only
    if not _is_text(values) or np.ndim(values) != 1:
        return _whole_integers(values)
    pandas = _pandas()
    if pandas is None:
        return None
    codes, uniques = pandas.factorize(values, use_na_sentinel=True)
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        raise InputError.single(name, f"missing value at row {int(missing[0]) + 1}", field=label)
    return Factorized(list(np.asarray(uniques, dtype=object).tolist()), codes)


def _whole_integers(values: Any) -> Factorized | None:
    """An integer column whose values fill a range (0/1 labels): the values are the codes."""
    array = np.asarray(values)
    if array.dtype.kind not in "iu" or array.ndim != 1 or not array.size:
        return None
    low, high = int(array.min()), int(array.max())
    if high - low >= 1 << 16:
        return None
    if not (np.bincount(array - low if low else array, minlength=high - low + 1) > 0).all():
        return None  # gaps: chunks code only the values present
    codes = array - low if low else array
    return Factorized(list(range(low, high + 1)), codes)


def _numeric(name: str, label: str, values: Any) -> npt.NDArray[Any]:
    array = np.asarray(values)
    missing = first_missing(array)
    if missing is not None:
        raise InputError.single(name, f"missing value at row {missing + 1}", field=label)
    return array


def _chunk(column: npt.NDArray[Any] | Factorized, part: slice) -> Factorized:
    if isinstance(column, Factorized):
        return Factorized(column.values, column.codes[part])
    return factorize(column[part])


def counts_from_arrays(
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    sensitive: Mapping[str, npt.ArrayLike],
    *,
    score: npt.ArrayLike | None = None,
    task: Task = "binary",
    positive_label: str | None = None,
    keep_rows: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    name: str = "<arrays>",
) -> Counts:
    """Counts of in-memory columns (numpy arrays, lists or pandas Series).

    Text columns are coded once over their whole length (pandas.factorize, with missing values
    found from the codes); the counting itself goes chunk by chunk so temporaries stay small
    next to the input.
    """
    given: dict[str, Any] = {"y_true": y_true, "y_pred": y_pred, **sensitive}
    if score is not None:
        given["score"] = score
    lengths = {len(v) for v in given.values()}
    if len(lengths) != 1:
        raise UsageError(f"{name}: columns have different lengths {sorted(lengths)}")
    columns: dict[str, npt.NDArray[Any] | Factorized] = {}
    for column, values in given.items():
        coded = None
        if column != "score" and (task == "binary" or column in sensitive):
            coded = _whole_column(name, values, column)
        columns[column] = coded if coded is not None else _numeric(name, column, values)
    if score is not None:
        columns["score"] = np.asarray(columns["score"], dtype=np.float64)
    builder = CountBuilder(
        file=name,
        task=task,
        y_true="y_true",
        y_pred="y_pred",
        features=list(sensitive),
        positive_label=positive_label,
        keep_rows=keep_rows,
        has_score=score is not None,
    )
    (n_rows,) = lengths
    for start in range(0, n_rows, chunk_rows):
        part = slice(start, start + chunk_rows)
        groups = [_chunk(columns[f], part) for f in sensitive]
        if task == "binary":
            kept = columns.get("score")
            builder.add_binary(
                _chunk(columns["y_true"], part),
                _chunk(columns["y_pred"], part),
                groups,
                None if kept is None else kept[part],  # type: ignore[index]
            )
        else:
            true, pred = columns["y_true"], columns["y_pred"]
            assert not isinstance(true, Factorized) and not isinstance(pred, Factorized)
            builder.add_regression(
                true[part].astype(np.float64), pred[part].astype(np.float64), groups
            )
    return builder.finish()
