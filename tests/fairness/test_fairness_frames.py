"""The Python API on pandas DataFrames: string, categorical and numeric columns give the same
counts as numpy arrays, and a missing value is named with its row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govern.errors import InputError
from govern.fairness.analysis import analyse
from govern.fairness.counts import counts_from_arrays


def _frame(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "y_true": rng.integers(0, 2, n),
            "y_pred": rng.integers(0, 2, n),
            "sex": rng.choice(np.array(["F", "M", "X"], dtype=object), n),
            "band": rng.choice(np.array(["18-29", "30-44", "45+"], dtype=object), n),
        }
    )


@pytest.mark.parametrize("kind", ["object", "category", "string"])
def test_frame_columns_count_as_numpy_arrays(kind: str) -> None:
    frame = _frame(200_003)  # several chunks, the last one short
    reference = counts_from_arrays(
        frame["y_true"].to_numpy(),
        frame["y_pred"].to_numpy(),
        {c: frame[c].to_numpy(dtype=str) for c in ("sex", "band")},
    )
    converted = frame.astype({"sex": kind, "band": kind})
    counts = counts_from_arrays(
        converted["y_true"], converted["y_pred"], {c: converted[c] for c in ("sex", "band")}
    )
    assert counts.levels == reference.levels
    assert np.array_equal(counts.cells, reference.cells)
    point = analyse(counts).point
    assert point.overall == analyse(reference).point.overall


def test_labels_with_gaps_and_text_labels() -> None:
    frame = _frame(1000)
    labels = frame["y_true"].map({0: "no", 1: "yes"})
    predicted = frame["y_pred"].map({0: "no", 1: "yes"})
    counts = counts_from_arrays(labels, predicted, {"sex": frame["sex"]}, positive_label="yes")
    reference = counts_from_arrays(
        frame["y_true"] * 2, frame["y_pred"] * 2, {"sex": frame["sex"]}, positive_label="2"
    )
    assert np.array_equal(counts.cells, reference.cells)


@pytest.mark.parametrize("column", ["sex", "y_pred"])
def test_a_missing_value_is_named_with_its_row(column: str) -> None:
    frame = _frame(100).astype({"y_pred": object})
    frame.loc[41, column] = None
    with pytest.raises(InputError) as caught:
        counts_from_arrays(frame["y_true"], frame["y_pred"], {"sex": frame["sex"]})
    assert "missing value at row 42" in str(caught.value)
