"""Stream the columns a fairness report needs from CSV, Parquet or JSON Lines in bounded batches."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from govern.errors import InputError, Problem
from govern.fairness.counts import CountBuilder, Counts, Factorized, Task, label_key

Format = Literal["csv", "parquet", "jsonl"]
FORMATS: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
COMPRESSIONS = (".gz", ".bz2", ".zst", ".lz4")
# Arrow parses blocks of this size and buffers a few dozen ahead: memory is tens of blocks,
# whatever the file size (4 MB blocks cost 150 MB more and are no faster).
BLOCK_BYTES = 1 << 20
PARQUET_BATCH_ROWS = 1 << 17
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """A predictions file: where it is, how the user named it, and how to parse it."""

    path: Path
    display: str
    format: Format

    def error(self, message: str, column: str = "") -> InputError:
        return InputError.single(self.display, message, field=column)


def open_source(path: str | Path) -> Source:
    """Check the file exists, is not empty, and has a format we read (by its extension)."""
    file = Path(path)
    display = str(path)
    if not file.exists():
        raise InputError.single(display, "no such file")
    if not file.is_file():
        raise InputError.single(display, "not a file")
    suffixes = [s.lower() for s in file.suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes.pop()
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError.single(display, f"unknown file type; use one of {known}")
    if file.stat().st_size == 0:
        raise InputError.single(display, "the file is empty")
    return Source(file, display, fmt)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _delimiter(source: Source) -> str:
    return "\t" if ".tsv" in [s.lower() for s in source.path.suffixes] else ","


def _stream(source: Source) -> Any:
    return pa.input_stream(str(source.path), compression="detect")


def columns_of(source: Source) -> list[str]:
    """Column names, read from the header or schema only."""
    try:
        if source.format == "csv":
            with _stream(source) as stream:
                head = stream.read(1 << 20).decode("utf-8-sig", errors="replace")
            row = next(csv.reader(io.StringIO(head), delimiter=_delimiter(source)), [])
            if not row:
                raise source.error("no header row")
            return [name.strip() for name in row]
        if source.format == "parquet":
            return list(pq.read_schema(source.path).names)
        with _stream(source) as stream:
            reader = pajson.open_json(stream)
            return list(reader.schema.names)
    except (pa.ArrowException, OSError) as exc:
        if "Empty JSON stream" in str(exc):
            raise source.error("no data rows") from None
        raise source.error(f"cannot read as {source.format}: {exc}") from None


def require_columns(source: Source, wanted: Sequence[str]) -> None:
    """Name every missing column at once, with the ones that are there, before reading data."""
    present = columns_of(source)
    missing = [c for c in dict.fromkeys(wanted) if c not in present]
    if missing:
        listing = ", ".join(present[:30]) + (" ..." if len(present) > 30 else "")
        message = f"no such column; the file has: {listing}"
        raise InputError(Problem(source.display, 0, 0, c, message) for c in missing)


def iter_batches(source: Source, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Yield {column: pyarrow.Array} batches of a bounded number of rows."""
    wanted = list(dict.fromkeys(columns))
    try:
        if source.format == "csv":
            yield from _csv_batches(source, wanted)
        elif source.format == "parquet":
            parquet = pq.ParquetFile(source.path)
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted):
                yield {c: batch.column(c) for c in wanted}
        else:
            with _stream(source) as stream:
                reader = pajson.open_json(
                    stream, read_options=pajson.ReadOptions(block_size=BLOCK_BYTES)
                )
                for batch in reader:
                    yield {c: batch.column(c) for c in wanted}
    except (pa.ArrowException, OSError) as exc:
        raise source.error(f"cannot read as {source.format}: {exc}") from None


def _csv_batches(source: Source, wanted: list[str]) -> Iterator[dict[str, Any]]:
    # Everything is read as text: types are decided here, from the whole column, not guessed
    # by Arrow from the first block (which fails when "1" rows are followed by "1.5" rows).
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={c: pa.string() for c in wanted},
        strings_can_be_null=True,
    )
    with _stream(source) as stream:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=_delimiter(source)),
            convert_options=convert,
        )
        for batch in reader:
            yield {c: batch.column(c) for c in wanted}


_NUMPY_TYPES = {
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "uint8": np.uint8,
    "uint16": np.uint16,
    "uint32": np.uint32,
    "uint64": np.uint64,
    "float": np.float32,
    "double": np.float64,
}


def as_numpy(array: Any) -> npt.NDArray[Any]:
    """A view of a null-free numeric or boolean Arrow array as numpy.

    pyarrow's own to_numpy imports pandas (about 0.3 s) even for zero-copy conversions; the
    data buffer is all we need.
    """
    if pa.types.is_boolean(array.type):
        array = pc.cast(array, pa.uint8())
    dtype = np.dtype(_NUMPY_TYPES[str(array.type)])
    view: npt.NDArray[Any] = np.frombuffer(
        array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    )
    return view


def first_missing(array: Any) -> int | None:
    """Index of the first null (or floating NaN) in an Arrow array, or None."""
    if array.null_count:
        return int(np.flatnonzero(as_numpy(pc.is_null(array)))[0])
    if pa.types.is_floating(array.type):
        nan = as_numpy(pc.is_nan(array))
        if nan.any():
            return int(np.flatnonzero(nan)[0])
    return None


def factorize_arrow(array: Any) -> Factorized:
    """Distinct values and per-row codes of an Arrow array via Arrow's hash-based encoding."""
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)  # drop unused categories
    encoded = pc.dictionary_encode(array)
    return Factorized(encoded.dictionary.to_pylist(), as_numpy(encoded.indices))


def to_float(source: Source, array: Any, column: str, offset: int) -> npt.NDArray[np.float64]:
    """A numeric column as float64, with an error naming the column and row if it is not one."""
    try:
        try:
            cast = pc.cast(array, pa.float64())
        except pa.ArrowInvalid:
            if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
                raise
            cast = pc.cast(pc.utf8_trim_whitespace(array), pa.float64())  # " 0.5" is fine
        values: npt.NDArray[np.float64] = as_numpy(cast)
    except (pa.ArrowException, ValueError) as exc:
        raise source.error(f"not numeric ({exc})", column) from None
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise source.error(
            f"non-finite value {values[bad[0]]} at row {offset + int(bad[0]) + 1}", column
        )
    return values


def _factorize(source: Source, batch: dict[str, Any], column: str) -> Factorized:
    array = batch[column]
    try:
        return factorize_arrow(array)
    except pa.ArrowException as exc:
        raise source.error(f"cannot group values of type {array.type} ({exc})", column) from None


def _detect_task(source: Source, batch: dict[str, Any], y_true: str, y_pred: str) -> Task:
    """Regression when the first batch has a fractional label; integer labels stay binary.

    Three integer labels are more often a multi-class mistake than a regression target, so
    they get the "more than two labels" error (which suggests --task regression) instead.
    """
    keys = {
        label_key(v)
        for column in (y_true, y_pred)
        for v in _factorize(source, batch, column).values
    }
    if any(isinstance(k, float) and not k.is_integer() for k in keys):
        return "regression"
    return "binary"


def read_counts(
    source: Source,
    *,
    y_true: str,
    y_pred: str,
    sensitive: Sequence[str],
    score: str | None = None,
    task: Task | Literal["auto"] = "auto",
    positive_label: str | None = None,
    keep_rows: bool = False,
) -> Counts:
    """One streaming pass over the file: check each batch, then fold it into the counts."""
    columns = [y_true, y_pred, *sensitive, *([score] if score else [])]
    require_columns(source, columns)
    builder: CountBuilder | None = None
    offset = 0
    for batch in iter_batches(source, columns):
        rows = len(batch[y_true])
        if rows == 0:
            continue
        for column in dict.fromkeys(columns):
            missing = first_missing(batch[column])
            if missing is not None:
                raise source.error(f"missing value at row {offset + missing + 1}", column)
        if builder is None:
            chosen = _detect_task(source, batch, y_true, y_pred) if task == "auto" else task
            builder = CountBuilder(
                file=source.display,
                task=chosen,
                y_true=y_true,
                y_pred=y_pred,
                features=sensitive,
                positive_label=positive_label,
                keep_rows=keep_rows,
                has_score=score is not None,
            )
        groups = [_factorize(source, batch, f) for f in sensitive]
        if builder.task == "binary":
            values = to_float(source, batch[score], score, offset) if score else None
            true, pred = _factorize(source, batch, y_true), _factorize(source, batch, y_pred)
            builder.add_binary(true, pred, groups, values)
        else:
            builder.add_regression(
                to_float(source, batch[y_true], y_true, offset),
                to_float(source, batch[y_pred], y_pred, offset),
                groups,
            )
        offset += rows
    if builder is None:
        raise source.error("no data rows")
    return builder.finish()
