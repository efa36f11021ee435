"""A rate of exactly 0 or 1 in a small group is never a [0, 0] or [1, 1] certainty.

Every bootstrap resample of a group with no predicted positives repeats the rate 0, so its
percentile interval collapses to a point; govern reports the Wilson score interval there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from govern.fairness.intervals import wilson_interval


def test_wilson_at_zero_of_eight_reaches_about_a_third() -> None:
    lower, upper = wilson_interval(np.array([0]), np.array([8]), 0.95)
    assert lower[0] == 0.0
    assert abs(upper[0] - 1.959964**2 / (8 + 1.959964**2)) < 1e-6  # 0.324


def test_no_trials_is_total_ignorance() -> None:
    lower, upper = wilson_interval(np.array([0]), np.array([0]), 0.95)
    assert (lower[0], upper[0]) == (0.0, 1.0)


@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_wilson_contains_the_rate_and_is_never_a_point(trials: int, data: Any) -> None:
    successes = data.draw(st.integers(min_value=0, max_value=trials))
    lower, upper = wilson_interval(np.array([successes]), np.array([trials]), 0.95)
    rate = successes / trials
    assert 0.0 <= lower[0] <= rate <= upper[0] <= 1.0
    assert upper[0] - lower[0] > 0


def test_a_small_group_with_no_selections_gets_a_wide_interval(
    tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    rows = ["y,p,s"]
    rows += [f"{i % 2},{(i // 2) % 2},A" for i in range(400)]
    rows += [f"{i % 2},0,B" for i in range(8)]  # group B: 8 rows, never selected
    predictions = tmp_path / "predictions.csv"
    predictions.write_text("\n".join(rows) + "\n")
    out = tmp_path / "fairness.json"
    result = run_cli(
        "fairness", predictions, "--y-true", "y", "--y-pred", "p", "--sensitive", "s",
        "--positive-label", "1", "--bootstrap", "200", "--seed", "1", "--min-group-size", "1",
        "-o", out,
    )  # fmt: skip
    assert result.code == 0, result.err
    report = json.loads(out.read_text())
    (b,) = [g for g in report["features"][0]["groups"] if g["group"] == "B"]
    selection = b["metrics"]["selection_rate"]
    assert selection["value"] == 0.0
    assert selection["ci"]["lower"] == 0.0 and selection["ci"]["upper"] > 0.3
    tpr = b["metrics"]["true_positive_rate"]
    assert tpr["value"] == 0.0 and tpr["ci"]["upper"] > 0.3
