"""Stream the columns a fairness report needs from CSV, Parquet or JSON Lines in bounded batches."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
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
from govern.fairness.diagnose import locate, one_line, text_fault

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
COMPRESSIONS = {".gz": "gzip", ".bz2": "bzip2", ".zst": "zstd", ".lz4": "LZ4"}
KINDS: dict[Format, str] = {"csv": "CSV", "parquet": "Parquet", "jsonl": "JSON Lines"}
# Arrow parses blocks of this size and buffers a few dozen ahead: memory is tens of blocks,
# whatever the file size. 256 kB blocks are as fast as 1 MB ones and peak 20 MB lower on a
# 15 MB file (4 MB blocks cost 150 MB more and are no faster).
BLOCK_BYTES = 1 << 18
PARQUET_BATCH_ROWS = 1 << 17
HASH_CHUNK = 1 << 20
# What pyarrow raises on a file it cannot parse (corrupt Parquet metadata gives the last).
READ_ERRORS = (pa.ArrowException, OSError, UnicodeDecodeError)


@dataclass(frozen=True)
class Source:
    """A predictions file: where it is, how the user named it, and how to parse it."""

    path: Path
    display: str
    format: Format

    def error(self, message: str, column: str = "", line: int = 0, at: int = 0) -> InputError:
        """An input error naming this file and, where known, the column, line and character."""
        return InputError.single(self.display, one_line(message), line, at, column)

    @property
    def kind(self) -> str:
        """The format as people name it, for messages."""
        return KINDS[self.format]

    @property
    def compression(self) -> str | None:
        """The compression the file name says, by its usual name; None for none."""
        return COMPRESSIONS.get(self.path.suffix.lower())


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
    """Column names, read from the header or schema only.

    This is the first read of the file, so it also refuses what would confuse or crash the
    readers: binary data or bad UTF-8 in the first block of a text file (Arrow's CSV reader
    checks the rest of the columns it reads), and JSON Lines with a `null` line.
    """
    try:
        if source.format == "parquet":
            return list(pq.read_schema(source.path).names)
        head = _head(source)
        if source.format == "csv":
            return _csv_header(source, head)
        refuse_null_lines(source)
        with _stream(source) as stream:
            reader = pajson.open_json(stream)
            return list(reader.schema.names)
    except READ_ERRORS as exc:
        if "Empty JSON stream" in str(exc):
            raise source.error("no data rows") from None
        raise read_error(source, exc) from None


def _head(source: Source) -> bytes:
    """The first block of a text file, decompressed, checked to be UTF-8 text."""
    try:
        with _stream(source) as stream:
            head: bytes = stream.read(BLOCK_BYTES)
    except (pa.ArrowException, OSError) as exc:
        if source.compression is None:
            raise
        raise source.error(f"not valid {source.compression} data ({exc})") from None
    fault = text_fault([head], source.kind, complete=False)
    if fault is not None:
        raise source.error(fault.message, line=fault.line, at=fault.column)
    return head


def _csv_header(source: Source, head: bytes) -> list[str]:
    text = head.decode("utf-8-sig", errors="ignore")  # ignores only a character cut at the end
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(source))
    try:
        row = next(reader, [])
    except csv.Error as exc:
        raise source.error(f"cannot read the header ({exc})", line=reader.line_num) from None
    if not row:
        raise source.error("no header row")
    return [name.strip() for name in row]


# pyarrow's JSON reader crashes the process (a segmentation fault, pyarrow 26) on a block whose
# first value is `null`. Blocks start at line starts, so no line may start with one.
_NULL_LINE = re.compile(rb"\n[ \t\r]*null")
_ARROW_ROW = re.compile(r" in row \d+$")


def refuse_null_lines(source: Source) -> None:
    """Fail, with its line, on a JSON Lines line that is `null`: it would crash the reader.

    One pass over the file at memory speed (a bytes regex); run before Arrow sees the data.
    """
    from govern.fairness.nesting import DeepRowScan

    lines, pending = 0, b""
    deep = DeepRowScan()
    with _stream(source) as stream:
        while chunk := stream.read(HASH_CHUNK):
            too_deep = deep.feed(chunk)
            if too_deep is not None:
                raise source.error(_DEEP_ROW, line=too_deep)
            data = pending + chunk  # starts at a line start
            probe = b"\n" + data
            match = _NULL_LINE.search(probe)
            if match:
                line = lines + probe.count(b"\n", 0, match.start() + 1)
                raise source.error("the line is null, not a JSON object", line=line)
            cut = data.rfind(b"\n") + 1
            lines += data.count(b"\n", 0, cut)
            # only how the last, unfinished line starts matters to the pattern
            pending = data[cut:].lstrip(b" \t\r")[:4]
    too_deep = deep.finish()
    if too_deep is not None:
        raise source.error(_DEEP_ROW, line=too_deep)


_DEEP_ROW = "the row is nested more than 100 levels deep; prediction rows are flat"


def read_error(source: Source, problem: BaseException | str, column: str = "") -> InputError:
    """An error for a file a reader gave up on, located to a line when we can find one."""
    if source.format != "parquet":
        fault = locate(lambda: _stream(source), source.format, _delimiter(source), source.kind)
        if fault is not None:
            return source.error(fault.message, line=fault.line, at=fault.column)
    # Arrow numbers JSON rows within a block, not the file: that row number would mislead.
    message = _ARROW_ROW.sub("", one_line(str(problem)))
    return source.error(f"cannot read as {source.format}: {message}", column)


def require_columns(source: Source, wanted: Sequence[str]) -> None:
    """Name every missing column at once, with the ones that are there, before reading data."""
    present = columns_of(source)
    missing = [c for c in dict.fromkeys(wanted) if c not in present]
    if missing:
        shown = [name if name.isprintable() else repr(name) for name in present[:30]]
        listing = ", ".join(shown) + (" ..." if len(present) > 30 else "")
        message = f"no such column; the file has: {listing}"
        raise InputError(Problem(source.display, 0, 0, c, message) for c in missing)


def pool() -> Any:
    """The memory pool batches are read into: the C library's malloc, which returns a block's
    memory when its batch is dropped, where Arrow's default pool (mimalloc) keeps tens of
    megabytes it once used; peak memory stays a fraction of the file size."""
    return pa.system_memory_pool()


def release_memory_promptly() -> None:
    """Make every Arrow allocation of this process use `pool()`: for a command that reads one
    file and exits (set by the CLI; a library call leaves the caller's process as it is)."""
    pa.set_memory_pool(pool())


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
                    stream,
                    read_options=pajson.ReadOptions(block_size=BLOCK_BYTES),
                    memory_pool=pool(),
                )
                for batch in reader:
                    yield {c: batch.column(c) for c in wanted}
    except READ_ERRORS as exc:
        raise read_error(source, exc) from None


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
            memory_pool=pool(),
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
    except UnicodeDecodeError:  # Arrow's JSON reader does not check UTF-8 (its CSV reader does)
        raise read_error(source, "text that is not UTF-8", column) from None


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
    batches: Iterable[dict[str, Any]] | None = None,
    weight: str | None = None,
) -> Counts:
    """One streaming pass over the file: check each batch, then fold it into the counts.

    `batches` replaces the file's (a database's grouped rows), `weight` names their column of
    row counts.
    """
    columns = [y_true, y_pred, *sensitive, *([score] if score else [])]
    if batches is None:
        require_columns(source, columns)
        batches = iter_batches(source, columns)
    builder: CountBuilder | None = None
    offset = 0
    for batch in batches:
        rows = len(batch[y_true])
        if rows == 0:
            continue
        for column in dict.fromkeys(columns):
            missing = first_missing(batch[column])
            if missing is not None:
                where = "in the query's rows (NULL)" if weight else f"at row {offset + missing + 1}"
                raise source.error(f"missing value {where}", column)
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
            weights = as_numpy(pc.cast(batch[weight], pa.int64())) if weight else None
            builder.add_binary(true, pred, groups, values, weights)
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
