"""Reading predictions files: every format gives the same counts, bad input a clear error."""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.errors import GovernError, InputError, UsageError
from govern.fairness import io as fio
from govern.fairness.counts import MAX_GROUPS, counts_from_arrays
from govern.fairness.report import Spec, compute, fairness_report

SPEC = Spec(y_true="y", y_pred="p", sensitive=("sex", "band"), score="s", min_group_size=5)


def table(n: int = 400, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {
        "id": np.arange(n),
        "y": rng.integers(0, 2, n),
        "p": rng.integers(0, 2, n),
        "s": rng.random(n).round(3),
        "sex": rng.choice(np.array(["F", "M"]), n),
        "band": rng.choice(np.array(["18-29", "30-44", "45-59", "60+"]), n),
    }


def write_csv(path: Path, columns: dict[str, Any]) -> Path:
    pacsv.write_csv(pa.table(columns), path)
    return path


def write_jsonl(path: Path, columns: dict[str, Any]) -> Path:
    names = list(columns)
    rows = zip(*(columns[c].tolist() for c in names), strict=True)
    path.write_text("".join(json.dumps(dict(zip(names, r, strict=True))) + "\n" for r in rows))
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[str, str, str]]:
    return [(p.file, p.field, p.message) for p in exc.value.problems]


def test_all_formats_give_the_counts_of_the_arrays(tmp_path: Path) -> None:
    data = table()
    expected = counts_from_arrays(
        data["y"], data["p"], {"sex": data["sex"], "band": data["band"]}, score=data["s"]
    )
    files = [
        write_csv(tmp_path / "p.csv", data),
        write_jsonl(tmp_path / "p.jsonl", data),
    ]
    pq.write_table(pa.table(data), tmp_path / "p.parquet")
    files.append(tmp_path / "p.parquet")
    tsv = tmp_path / "p.tsv"
    pacsv.write_csv(pa.table(data), tsv, pacsv.WriteOptions(delimiter="\t"))
    files.append(tsv)
    gz = tmp_path / "p.csv.gz"
    gz.write_bytes(gzip.compress((tmp_path / "p.csv").read_bytes()))
    files.append(gz)
    for path in files:
        source, counts, _, _ = compute(str(path), SPEC)
        np.testing.assert_array_equal(counts.cells, expected.cells, err_msg=str(path))
        assert counts.levels == expected.levels
        assert counts.rows is not None and expected.rows is not None
        np.testing.assert_array_equal(counts.rows.score, expected.rows.score)
        np.testing.assert_array_equal(counts.rows.groups, expected.rows.groups)
        assert source.rows == 400
        assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_small_chunks_and_late_groups_give_the_same_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Groups and the positive label first seen in a later chunk must land in the right cells."""
    data = table(n=3000)
    data["y"][:2000] = 0  # the positive label only appears after many chunks
    data["sex"][:2500] = "F"  # and so does a group
    csv_path = write_csv(tmp_path / "p.csv", data)
    parquet = tmp_path / "p.parquet"
    pq.write_table(pa.table(data), parquet, row_group_size=100)
    whole = [compute(str(p), SPEC)[1] for p in (csv_path, parquet)]
    monkeypatch.setattr(fio, "BLOCK_BYTES", 1 << 12)
    monkeypatch.setattr(fio, "PARQUET_BATCH_ROWS", 97)
    chunked = [compute(str(p), SPEC)[1] for p in (csv_path, parquet)]
    expected = counts_from_arrays(
        data["y"],
        data["p"],
        {"sex": data["sex"], "band": data["band"]},
        score=data["s"],
        chunk_rows=1 << 20,
    )
    for counts in (*whole, *chunked):
        np.testing.assert_array_equal(counts.cells, expected.cells)
        assert counts.rows is not None and expected.rows is not None
        np.testing.assert_array_equal(counts.rows.positive, expected.rows.positive)
        np.testing.assert_array_equal(counts.rows.groups, expected.rows.groups)


def test_missing_columns_are_all_named_with_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", table())
    spec = Spec(y_true="label", y_pred="p", sensitive=("sex", "race"))
    with pytest.raises(InputError) as exc:
        compute(str(path), spec)
    found = problems(exc)
    assert [(f, c) for f, c, _ in found] == [(str(path), "label"), (str(path), "race")]
    assert "the file has: id, y, p, s, sex, band" in found[0][2]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("empty.csv", "", "the file is empty"),
        ("header.csv", "y,p,sex\n", "no data rows"),
        ("blank.jsonl", "\n", "no data rows"),
    ],
)
def test_empty_files(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = write_text(tmp_path / name, text)
    spec = Spec(y_true="y", y_pred="p", sensitive=("sex",))
    with pytest.raises(InputError) as exc:
        compute(str(path), spec)
    assert str(path) in str(exc.value)
    assert message in str(exc.value)


def test_more_than_two_labels_names_the_column(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y,p,sex\n0,1,F\n1,0,M\n2,1,F\n")
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex",)))
    ((file, column, message),) = problems(exc)
    assert (file, column) == (str(path), "y")
    assert "'0', '1', '2'" in message and "--task regression" in message


@pytest.mark.parametrize(
    ("text", "column", "row"),
    [
        ("y,p,sex\n0,1,F\n,0,M\n", "y", 2),
        ("y,p,sex\n0,1,F\n1,0,NA\n1,1,\n", "sex", 2),
        ("y,p,s,sex\n0,1,0.5,F\n1,0,nan,M\n", "s", 2),
    ],
)
def test_missing_values_name_column_and_row(
    tmp_path: Path, text: str, column: str, row: int
) -> None:
    path = write_text(tmp_path / "p.csv", text)
    spec = Spec(y_true="y", y_pred="p", sensitive=("sex",), score="s" if "s," in text else None)
    with pytest.raises(InputError) as exc:
        compute(str(path), spec)
    ((file, field, message),) = problems(exc)
    assert (file, field) == (str(path), column)
    assert f"row {row}" in message


def test_nan_in_parquet_floats_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"y": [0, 1], "p": [1.0, float("nan")], "sex": ["F", "M"]}), path)
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex",)))
    assert problems(exc)[0][1] == "p"


def test_non_numeric_score(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y,p,s,sex\n0,1,high,F\n1,0,0.2,M\n1,1,0.3,M\n")
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", score="s", sensitive=("sex",)))
    ((_, field, message),) = problems(exc)
    assert field == "s" and "not numeric" in message and "high" in message


def test_identifier_as_sensitive_feature_is_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", table(n=50))
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex", "id")))
    ((_, field, message),) = problems(exc)
    assert field == "id" and "every one of the 50 rows" in message


def test_too_many_groups(tmp_path: Path) -> None:
    n = MAX_GROUPS + 500
    data = {"y": np.zeros(n, dtype=int), "p": np.zeros(n, dtype=int), "zip": np.arange(n) // 1}
    data["zip"][:10] = 0  # not one value per row, but still far too many groups
    path = write_csv(tmp_path / "p.csv", data)
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", sensitive=("zip",)))
    assert problems(exc)[0][1] == "zip" and "more than 1000 distinct values" in str(exc.value)


def test_single_group_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y,p,sex\n0,1,F\n1,1,F\n1,0,F\n")
    report = fairness_report(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex",)))
    assert any("only one group (F)" in w for w in report.warnings)
    assert report.features[0].disparities["demographic_parity_difference"].between_groups
    dp = report.features[0].disparities["demographic_parity_difference"].between_groups
    assert dp is not None and dp.value == 0.0


def test_string_labels_need_a_positive_label(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y,p,sex\nno,yes,F\nyes,no,M\nyes,yes,M\n")
    spec = Spec(y_true="y", y_pred="p", sensitive=("sex",), min_group_size=0)
    with pytest.raises(UsageError, match="--positive-label"):
        compute(str(path), spec)
    with pytest.raises(InputError, match="positive label 'maybe' is not one of"):
        compute(str(path), Spec(**{**spec.__dict__, "positive_label": "maybe"}))
    report = fairness_report(str(path), Spec(**{**spec.__dict__, "positive_label": "yes"}))
    assert report.parameters.positive_label == "yes"
    assert report.overall["selection_rate"].value == pytest.approx(2 / 3)


def test_float_written_labels_are_the_same_labels(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y,p,sex\n0.0,1,F\n1.0,0,M\n1,1.0,M\n")
    report = fairness_report(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex",)))
    assert report.parameters.task == "binary" and report.parameters.positive_label == "1"
    assert report.overall["accuracy"].value == pytest.approx(1 / 3)


def test_fractional_targets_are_regression(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y,p,sex\n0.5,1,F\n1.5,0.25,M\n2,1,M\n")
    report = fairness_report(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex",)))
    assert report.parameters.task == "regression"
    assert report.overall["mean_absolute_error"].value == pytest.approx((0.5 + 1.25 + 1) / 3)
    assert set(report.features[0].disparities) == {
        "mean_prediction_difference",
        "mean_absolute_error_difference",
        "root_mean_squared_error_difference",
    }


def test_regression_target_must_be_numeric(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y,p,sex\n0.5,1,F\nbig,0.25,M\n")
    spec = Spec(y_true="y", y_pred="p", sensitive=("sex",), task="regression")
    with pytest.raises(InputError) as exc:
        compute(str(path), spec)
    assert problems(exc)[0][1] == "y"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.xlsx", b"PK", "unknown file type"),
        ("p.parquet", b"not parquet at all", "cannot read as parquet"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex",)))
    assert str(path) in str(exc.value) and message in str(exc.value)


MALFORMED = Path(__file__).parent / "malformed"
# Each file in malformed/ is named for how it is broken: (line of the problem or 0, message).
EXPECTED = {
    "random-bytes.csv": (0, "binary file (contains NUL bytes), expected CSV text"),
    "random-bytes-no-nul.csv": (2, "not UTF-8 text (invalid byte at offset 7)"),
    "latin1.csv": (3, "not UTF-8 text (invalid byte at offset 16)"),
    "ragged.csv": (3, "this row has 2 fields, the header has 3"),
    "ragged.tsv": (3, "this row has 4 fields, the header has 3"),
    "not-gzip.csv.gz": (0, "not valid gzip data (zlib inflate failed"),
    "truncated.csv.gz": (0, "not valid gzip data (Truncated compressed stream)"),
    "binary.jsonl.gz": (0, "binary file (contains NUL bytes), expected JSON Lines text"),
    "not-parquet.parquet": (0, "cannot read as parquet: Parquet file size is 36 bytes"),
    "truncated.parquet": (0, "cannot read as parquet: Parquet magic bytes not found"),
    "unclosed-object.jsonl": (2, "not valid JSON: Expecting ',' delimiter"),
    "null-line.jsonl": (2, "the line is null, not a JSON object"),
    "array-line.jsonl": (2, "expected a JSON object per line, found a list"),
    "kind-change.jsonl": (2, "'s' is a number here but text on line 1"),
    "latin1.jsonl": (2, "not UTF-8 text (invalid byte at offset 50)"),
}
S_SPEC = Spec(y_true="y", y_pred="p", sensitive=("s",), bootstrap=20, seed=1)


def test_every_malformed_fixture_is_expected() -> None:
    assert sorted(p.name for p in MALFORMED.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_files_name_file_line_and_problem(name: str) -> None:
    line, message = EXPECTED[name]
    path = MALFORMED / name
    with pytest.raises(InputError) as exc:
        compute(str(path), S_SPEC)
    (problem,) = exc.value.problems
    assert (problem.file, problem.line) == (str(path), line)
    assert message in problem.message and "\n" not in problem.message


def _rows(n: int) -> bytes:
    return b"y,p,s\n" + b"0,1,F\n1,0,M\n" * (n // 2)


@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        ("late-latin1.csv", _rows(300_000) + b"1,0,\xe9\n", 300_002, "not UTF-8 text"),
        ("late-ragged.csv.gz", gzip.compress(_rows(300_000) + b"1,0\n"), 300_002, "2 fields"),
        (
            "late-latin1.jsonl",
            b'{"y": 0, "p": 1, "s": "F"}\n' * 60_000 + b'{"y": 1, "p": 0, "s": "\xe9"}\n',
            60_001,
            "not UTF-8 text",
        ),
        (
            "late-unclosed.jsonl",
            b'{"y": 0, "p": 1, "s": "F"}\n' * 60_000 + b'{"y": 1, "p": 0\n',
            60_001,
            "not valid JSON",
        ),
    ],
)
def test_problems_past_the_first_block_are_located(
    tmp_path: Path, name: str, content: bytes, line: int, message: str
) -> None:
    """Past the first block only Arrow reads the file; its error is traced back to the line."""
    text = gzip.decompress(content) if name.endswith(".gz") else content
    assert len(text) > fio.BLOCK_BYTES
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        compute(str(path), S_SPEC)
    (problem,) = exc.value.problems
    assert problem.line == line and message in problem.message


@pytest.mark.parametrize("at", [0, 1, 5, 6, 7, 20])
def test_null_lines_are_found_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    """Arrow's JSON reader crashes the process on a block that starts with `null`."""
    monkeypatch.setattr(fio, "HASH_CHUNK", 7)
    lines = [b'{"y": 0}'] * 4
    lines.insert(2, b"  \t null")
    content = b"\n".join(lines) + b"\n"
    path = tmp_path / "p.jsonl"
    path.write_bytes(b" " * at + content)
    source = fio.open_source(path)
    with pytest.raises(InputError) as exc:
        fio.refuse_null_lines(source)
    assert exc.value.problems[0].line == 3
    path.write_bytes(content.replace(b"null", b'{"nullable": null}'))
    fio.refuse_null_lines(source)


def test_old_mac_line_endings_are_read(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y,p,s\r0,1,F\r1,0,M\r1,1,F\r0,0,M\r")
    report = fairness_report(str(path), Spec(y_true="y", y_pred="p", sensitive=("s",)))
    assert report.source.rows == 4


def test_column_listing_escapes_control_characters(tmp_path: Path) -> None:
    path = write_text(tmp_path / "p.csv", "y\x1b[31m,p,s\n0,1,F\n")
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", sensitive=("s",)))
    assert "'y\\x1b[31m', p, s" in str(exc.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    spec = Spec(y_true="y", y_pred="p", sensitive=("sex",))
    with pytest.raises(InputError, match="no such file"):
        compute(str(tmp_path / "nope.csv"), spec)
    with pytest.raises(InputError, match="not a file"):
        compute(str(tmp_path), spec)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sensitive": ()}, "at least one sensitive"),
        ({"sensitive": ("sex", "sex")}, "twice"),
        ({"sensitive": ("y",)}, "both a sensitive feature"),
        ({"ci_level": 1.0}, "--ci"),
        ({"bootstrap": -1}, "--bootstrap"),
        ({"min_group_size": -1}, "--min-group-size"),
        ({"task": "regression", "score": "s"}, "--score"),
    ],
)
def test_unusable_options(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    path = write_csv(tmp_path / "p.csv", table())
    spec = Spec(**{**SPEC.__dict__, **changes})
    with pytest.raises(UsageError, match=message):
        compute(str(path), spec)


def test_nested_values_are_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"y": [0, 1], "p": [1, 0], "sex": [[1], [2]]}), path)
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex",)))
    assert problems(exc)[0][1] == "sex" and "cannot group values" in str(exc.value)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='01ab.,-"\n xNA', max_size=60), st.sampled_from(["auto", "binary"]))
def test_arbitrary_csv_gives_a_report_or_a_governerror(body: str, task: str) -> None:
    """Never a traceback: whatever the bytes, the outcome is a report or a user-facing error."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_text(Path(tmp) / "p.csv", "y,p,s,g\n" + body)
        spec = Spec(y_true="y", y_pred="p", score="s", sensitive=("g",), task=task)  # type: ignore[arg-type]
        try:
            report = fairness_report(str(path), spec)
        except GovernError as exc:
            assert exc.diagnostics() and all(line for line in exc.diagnostics())
        else:
            assert report.source.rows >= 1


def _valid_files() -> dict[str, bytes]:
    csv_text = b"y,p,s\n" + b"0,1,F\n1,1,M\n1,0,F\n0,0,M\n" * 5
    jsonl = b'{"y": 0, "p": 1, "s": "F"}\n{"y": 1, "p": 1, "s": "M"}\n' * 5
    parquet = pa.BufferOutputStream()
    table = pa.table({"y": [0, 1] * 10, "p": [1, 1, 0, 0] * 5, "s": ["F", "M"] * 10})
    pq.write_table(table, parquet)
    return {
        ".csv": csv_text,
        ".tsv": csv_text.replace(b",", b"\t"),
        ".csv.gz": gzip.compress(csv_text, mtime=0),
        ".jsonl": jsonl,
        ".jsonl.gz": gzip.compress(jsonl, mtime=0),
        ".parquet": parquet.getvalue().to_pybytes(),
    }


VALID_FILES = _valid_files()


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(VALID_FILES)),
    st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=4),
    st.integers(0, 16),
)
def test_damaged_files_give_a_report_or_one_line_errors(
    suffix: str, flips: list[tuple[int, int]], cut: int
) -> None:
    """Flipped bytes and cut-off ends in every format: a report, or errors that each are one
    line naming the file; never a traceback (nor a crash of the reader)."""
    content = bytearray(VALID_FILES[suffix])
    for position, value in flips:
        content[position % len(content)] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"p{suffix}"
        path.write_bytes(bytes(content[: max(1, len(content) - cut)]))
        try:
            fairness_report(str(path), S_SPEC)
        except GovernError as exc:
            lines = exc.diagnostics()
            assert lines and all(str(path) in line and "\n" not in line for line in lines)
