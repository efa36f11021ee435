"""Find where a predictions file that could not be read goes wrong, for a message with a line."""

# Arrow reads fast but says little: its errors carry no line number (or one relative to a block),
# and binary input surfaces as a confusing header. This module is the slow path, run only on a file
# already known to be bad (or on its first block), so it favours clear messages over speed.

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import pyarrow as pa

CHUNK_BYTES = 1 << 20
MAX_MESSAGE = 300
# A UTF-8 sequence is at most four bytes, so an error this close to a chunk's end may be a
# sequence split across chunks rather than a bad byte.
_SPLIT = 3


@dataclass(frozen=True)
class Fault:
    """What is wrong and where: 1-based line and column, 0 when not known or not one place."""

    line: int
    message: str
    column: int = 0


def one_line(text: str) -> str:
    """An exception's text as one line of bounded length, fit to follow `error: FILE:`."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 3] + "..."


def text_fault(chunks: Iterable[bytes], what: str, *, complete: bool = True) -> Fault | None:
    """The first NUL byte (binary data) or invalid UTF-8 sequence in a byte stream.

    With `complete=False` the chunks are only the start of the file, so a sequence cut off at
    their end is not an error.
    """
    line, offset, carry = 1, 0, b""
    for chunk in chunks:
        data = carry + chunk
        nul = data.find(b"\0")
        if nul >= 0:
            return Fault(0, f"binary file (contains NUL bytes), expected {what} text")
        valid = _valid_prefix(data)
        if valid < len(data) and (valid < len(data) - _SPLIT or _invalid_start(data[valid:])):
            line += data[:valid].count(b"\n")
            return Fault(line, f"not UTF-8 text (invalid byte at offset {offset + valid})")
        line += data[:valid].count(b"\n")
        offset += valid
        carry = data[valid:]
    if carry and complete:
        return Fault(line, f"not UTF-8 text (truncated character at offset {offset})")
    return None


def _valid_prefix(data: bytes) -> int:
    """How many leading bytes of `data` are valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return len(data)


def _invalid_start(tail: bytes) -> bool:
    """Whether a short tail is already invalid, not just an unfinished sequence."""
    try:
        tail.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason != "unexpected end of data"
    return False


def locate(
    open_stream: Callable[[], IO[bytes]], fmt: str, delimiter: str, what: str
) -> Fault | None:
    """The first problem a reader would trip over in a text predictions file, or None.

    Checks bytes (binary, UTF-8), then structure: a CSV row with another number of fields than
    the header, a JSON Lines line that is not JSON objects, or a key whose values change kind.
    Decompression failures are reported with the line reached. Reads the whole file.
    """
    try:
        with open_stream() as stream:
            fault = text_fault(_chunks(stream), what)
        if fault is not None:
            return fault
        with open_stream() as stream:
            raw = io.BufferedReader(_Readable(stream), CHUNK_BYTES)
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            if fmt == "csv":
                return _csv_fault(text, delimiter)
            return _jsonl_fault(text)
    except (pa.ArrowException, OSError) as exc:
        return Fault(0, f"cannot decompress the file ({one_line(str(exc))})")


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


class _Readable(io.RawIOBase):
    """A pyarrow stream as the raw binary file io.TextIOWrapper expects."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _csv_fault(text: IO[str], delimiter: str) -> Fault | None:
    """A row whose field count differs from the header's (Arrow skips empty lines, so do we)."""
    reader = csv.reader(text, delimiter=delimiter)
    width: int | None = None
    try:
        for row in reader:
            if not row:
                continue
            if width is None:
                width = len(row)
            elif len(row) != width:
                return Fault(
                    reader.line_num,
                    f"this row has {len(row)} fields, the header has {width}",
                )
    except csv.Error as exc:
        return Fault(reader.line_num, one_line(str(exc)))
    return None


def _jsonl_fault(text: IO[str]) -> Fault | None:
    """A line that is not JSON objects, or a key whose values change kind (number to text)."""
    decoder = json.JSONDecoder()
    kinds: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text, start=1):
        position, end = _skip_space(line, 0), len(line.rstrip())
        while position < end:
            try:
                value, position = decoder.raw_decode(line, position)
            except json.JSONDecodeError as exc:
                return Fault(number, f"not valid JSON: {exc.msg}", exc.pos + 1)
            if not isinstance(value, dict):
                return Fault(number, f"expected a JSON object per line, found {_kind(value)}")
            for key, item in value.items():
                kind = _kind(item)
                first = kinds.setdefault(key, (kind, number))
                if kind != "null" and first[0] == "null":
                    kinds[key] = (kind, number)
                elif kind not in ("null", first[0]):
                    return Fault(
                        number,
                        f"{key!r} is {kind} here but {first[0]} on line {first[1]}",
                    )
            position = _skip_space(line, position)
    return None


def _skip_space(line: str, position: int) -> int:
    while position < len(line) and line[position].isspace():
        position += 1
    return position


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"
