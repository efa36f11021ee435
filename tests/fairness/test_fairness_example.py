"""The credit-scoring example's predictions and fairness report are reproducible and fair."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from govern.cli.fairness import command
from govern.evidence.fairness import FairnessReport

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit-scoring"
ARGS = [
    "data/predictions.csv",
    "--y-true", "default",
    "--y-pred", "predicted_default",
    "--score", "score",
    "--sensitive", "sex,age_band",
    "--positive-label", "1",
    "--bootstrap", "1000",
    "--ci", "0.95",
    "--min-group-size", "30",
    "--seed", "7",
    "--model-version", "2.3.0",
    "--dataset", "credit-applications-test-2024",
]  # fmt: skip


def test_generator_reproduces_the_predictions_file(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_predictions", EXAMPLE / "data" / "make_predictions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(tmp_path / "predictions.csv")
    assert (tmp_path / "predictions.csv").read_bytes() == (
        EXAMPLE / "data" / "predictions.csv"
    ).read_bytes()


def test_committed_report_is_exactly_what_the_command_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXAMPLE)
    out = tmp_path / "fairness.json"
    result = CliRunner().invoke(command, [*ARGS, "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_text() == (EXAMPLE / "reports" / "fairness.json").read_text()


def test_example_meets_the_fairness_gates() -> None:
    report = FairnessReport.model_validate_json((EXAMPLE / "reports" / "fairness.json").read_text())
    assert [f.name for f in report.features] == ["sex", "age_band", "sex+age_band"]
    assert not report.warnings
    for feature in report.features:
        ratio = feature.disparities["demographic_parity_ratio"].between_groups
        odds = feature.disparities["equalized_odds_difference"].between_groups
        assert ratio is not None and ratio.value is not None and ratio.value >= 0.8
        assert odds is not None and odds.value is not None and odds.value <= 0.1


def test_every_interval_of_the_example_contains_its_value() -> None:
    report = FairnessReport.model_validate_json((EXAMPLE / "reports" / "fairness.json").read_text())
    assert report.parameters.ci_method is not None
    assert report.parameters.ci_method.disparities == "sup-t"
    values = [*report.overall.values()]
    for feature in report.features:
        values += [m for group in feature.groups for m in group.metrics.values()]
        for disparity in feature.disparities.values():
            values += [m for m in (disparity.between_groups, disparity.to_overall) if m]
    for metric in values:
        assert metric.ci is not None and metric.value is not None
        assert metric.ci.lower is not None and metric.ci.upper is not None
        assert metric.ci.lower <= metric.value <= metric.ci.upper
