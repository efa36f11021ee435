"""`--metric NAME`: library metrics per group, equal to scikit-learn's on each group's rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import balanced_accuracy_score, brier_score_loss, f1_score

from govern.evidence.fairness import FairnessReport
from govern.fairness.named_metrics import expected_calibration_error


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 400
    y = (rng.random(n) < 0.35).astype(int)
    score = np.clip(0.35 + 0.3 * (y - 0.35) + rng.normal(0, 0.2, n), 0, 1).round(4)
    return pd.DataFrame(
        {"sex": rng.choice(["F", "M"], n), "y": y, "pred": (score > 0.5).astype(int), "p": score}
    )


def _run(tmp_path: Path, frame: pd.DataFrame, run_cli: Callable[..., Any], *args: str) -> Any:
    path = tmp_path / "predictions.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "report.json"
    base = ("--y-true", "y", "--y-pred", "pred", "--score", "p", "--sensitive", "sex")
    result = run_cli("fairness", path, *base, *args, "-o", out)
    return result, (out.read_text() if out.exists() else None)


def test_named_metrics_equal_sklearn_per_group(
    tmp_path: Path, frame: pd.DataFrame, run_cli: Callable[..., Any]
) -> None:
    args = ("--metric", "f1,balanced_accuracy", "--metric", "brier_score", "--metric", "ece")
    result, text = _run(tmp_path, frame, run_cli, *args)
    assert result.code == 0, result.err
    report = FairnessReport.model_validate_json(text)
    assert report.library_metrics is not None
    assert report.library_metrics.names == [
        "f1_score",
        "balanced_accuracy_score",
        "brier_score_loss",
        "expected_calibration_error",
    ]
    for group in report.features[0].groups:
        rows = frame[frame["sex"] == group.group]
        expected = {
            "f1_score": f1_score(rows["y"], rows["pred"]),
            "balanced_accuracy_score": balanced_accuracy_score(rows["y"], rows["pred"]),
            "brier_score_loss": brier_score_loss(rows["y"], rows["p"]),
            "expected_calibration_error": expected_calibration_error(rows["y"], rows["p"]),
        }
        for name, value in expected.items():
            assert group.metrics[name].value == pytest.approx(value, rel=1e-12)
    gap = report.features[0].disparities["f1_score_difference"].between_groups
    values = [g.metrics["f1_score"].value for g in report.features[0].groups]
    assert gap is not None and gap.value == pytest.approx(max(values) - min(values))  # type: ignore[type-var]


def test_calibration_error_by_hand() -> None:
    # bins [0.1, 0.2) and [0.9, 1.0]: |0 - 0.15| * 2 and |1 - 0.95| * 2, over 4 rows
    assert expected_calibration_error([0, 0, 1, 1], [0.1, 0.2 - 1e-9, 0.9, 1.0]) == pytest.approx(
        (2 * 0.15 + 2 * 0.05) / 4, abs=1e-8
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--metric", "os.system"), "is not a metric function"),
        (("--metric", "make_scorer"), "is not a metric function"),
        (("--metric", "__import__"), "is not a metric function"),
    ],
)
def test_names_that_are_not_metrics_are_refused(
    tmp_path: Path,
    frame: pd.DataFrame,
    run_cli: Callable[..., Any],
    args: tuple[str, ...],
    message: str,
) -> None:
    result, text = _run(tmp_path, frame, run_cli, *args)
    assert result.code == 2 and message in result.err and text is None
