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
        ("p.jsonl", b'{"y": 0, "p": 1, "sex": "F"}\n{"y": 1, "p": 0, "sex": 3}\n', "JSON"),
        ("p.jsonl", b"[1, 2", "cannot read as jsonl"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        compute(str(path), Spec(y_true="y", y_pred="p", sensitive=("sex",)))
    assert str(path) in str(exc.value) and message in str(exc.value)


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
