"""Locating problems in unreadable text files: bytes first, then rows and lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from govern.fairness.diagnose import Fault, locate, one_line, text_fault

TEXT = "y,p,s\n0,1,é\n1,0,ü€\n".encode()


@pytest.mark.parametrize("size", range(1, 12))
def test_characters_split_across_chunks_are_valid(size: int) -> None:
    chunks = [TEXT[i : i + size] for i in range(0, len(TEXT), size)]
    assert text_fault(chunks, "CSV") is None


@pytest.mark.parametrize("size", [1, 2, 3, 5, 64])
def test_bad_bytes_are_found_with_their_line_in_any_chunking(size: int) -> None:
    data = TEXT + b"1,1,\xe9x\n"
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    assert text_fault(chunks, "CSV") == Fault(
        4, f"not UTF-8 text (invalid byte at offset {len(TEXT) + 4})"
    )


def test_a_character_cut_at_the_end() -> None:
    cut = TEXT[:-2]  # the last character is three bytes
    assert text_fault([cut], "CSV", complete=False) is None
    fault = text_fault([cut], "CSV")
    assert fault is not None and fault.line == 3 and "truncated character" in fault.message


def test_nul_bytes_mean_binary() -> None:
    assert text_fault([b"PK\x03\x04\x00\x00"], "CSV") == Fault(
        0, "binary file (contains NUL bytes), expected CSV text"
    )


def test_one_line_flattens_and_bounds() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    assert len(one_line("x" * 1000)) == 300


def _located(tmp_path: Path, text: bytes, fmt: str, delimiter: str = ",") -> Fault | None:
    path = tmp_path / "f"
    path.write_bytes(text)
    return locate(lambda: io.BytesIO(path.read_bytes()), fmt, delimiter, fmt)


def test_csv_rows_are_counted_in_lines_with_quoted_newlines(tmp_path: Path) -> None:
    text = b'y,p,s\n0,1,"two\nlines"\n\n1,0\n'
    assert _located(tmp_path, text, "csv") == Fault(5, "this row has 2 fields, the header has 3")


def test_jsonl_accepts_what_arrow_accepts(tmp_path: Path) -> None:
    text = b'{"y": 1} {"y": 2}\n\n  {"y": null}\n{"y": 1.5}\n'
    assert _located(tmp_path, text, "jsonl") is None
    assert _located(tmp_path, text + b'{"y": true}\n', "jsonl") == Fault(
        5, "'y' is a boolean here but a number on line 1"
    )
