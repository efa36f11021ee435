"""`--cross-check`: fairlearn recomputes the report's group rates, and a difference is named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from govern.evidence.fairness import FairnessReport, MetricValue
from govern.fairness.crosscheck import cross_check


@pytest.fixture
def predictions(tmp_path: Path) -> Path:
    rng = np.random.default_rng(11)
    n = 300
    y = (rng.random(n) < 0.4).astype(int)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "band": rng.choice(["young", "old"], n),
            "label": y,
            "pred": np.where(rng.random(n) < 0.8, y, 1 - y),
            "score": rng.random(n).round(3),
        }
    )
    path = tmp_path / "predictions.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ("--y-true", "label", "--y-pred", "pred"),
        ("--y-pred", "pred"),
        ("--score", "score", "--threshold", "median"),
        ("--score", "score", "--threshold", "0.3"),
    ],
)
def test_cross_check_is_recorded_identical(
    predictions: Path, tmp_path: Path, run_cli: Callable[..., Any], args: tuple[str, ...]
) -> None:
    out = tmp_path / "report.json"
    result = run_cli(
        "fairness", predictions, "--sensitive", "sex,band", *args, "--cross-check", "-o", out
    )
    assert result.code == 0, result.err
    report = FairnessReport.model_validate_json(out.read_text())
    assert report.cross_check is not None and report.cross_check.identical
    assert report.cross_check.compared >= 8  # every group of sex, band and sex+band
    assert report.cross_check.summary.startswith("identical to fairlearn ")
    assert "identical to fairlearn" in result.err


def test_a_value_that_is_not_fairlearn_s_is_named(
    predictions: Path, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    out = tmp_path / "report.json"
    run_cli("fairness", predictions, "--sensitive", "sex", "--y-pred", "pred", "-o", out)
    report = FairnessReport.model_validate_json(out.read_text())
    feature = report.features[0]
    group = feature.groups[0]
    wrong = group.model_copy(update={"metrics": {"selection_rate": MetricValue(value=0.5)}})
    tampered = report.model_copy(
        update={"features": [feature.model_copy(update={"groups": [wrong, *feature.groups[1:]]})]}
    )
    checked = cross_check(str(predictions), tampered)
    assert not checked.identical
    assert checked.differences[0].startswith(f"sex {group.group} selection_rate: govern 0.5")
