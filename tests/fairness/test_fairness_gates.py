"""The built-in packs gate on selection audits: impact ratio, worst stratum, p-values."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit-scoring"
RULES = (
    "EUAIA-10-BIAS-METRICS-REPORT",
    "EUAIA-10-DEMOGRAPHIC-PARITY-RATIO",
    "EUAIA-10-EQUALIZED-ODDS-DIFFERENCE",
    "EUAIA-10-IMPACT-RATIO",
    "EUAIA-10-SELECTION-DISPARITY-TESTED",
    "NIST-MEASURE-2-11-FAIRNESS",
    "NIST-MEASURE-2-11-FAIRNESS-REPORT",
)


def _system(tmp_path: Path, frame: pd.DataFrame, run_cli: Callable[..., Any], *args: str) -> Any:
    """The credit-scoring example with its fairness report replaced by a selection audit."""
    system = tmp_path / "system"
    shutil.copytree(EXAMPLE, system, ignore=shutil.ignore_patterns("predictions.csv"))
    frame.to_csv(system / "data" / "hires.csv", index=False)
    made = run_cli(
        "fairness", system / "data" / "hires.csv", "--sensitive", "sex", *args,
        "-o", system / "reports" / "selection.json",
    )  # fmt: skip
    assert made.code == 0, made.err
    manifest = system / "govern.yaml"
    text = manifest.read_text().replace("[reports/fairness.json]", "[reports/selection.json]")
    manifest.write_text(text)
    out = tmp_path / "assessment.json"
    run_cli("check", system, "--as-of", "2026-12-06", "-o", f"json={out}")
    results = json.loads(out.read_text())["results"]
    return {r["rule_id"]: r for r in results if r["rule_id"] in RULES}


def _hires(n: int, rates: dict[str, float], seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    job = rng.choice(["eng", "ops"], n)
    chance = np.array([rates[s] for s in sex])
    return pd.DataFrame({"sex": sex, "job": job, "hired": (rng.random(n) < chance).astype(int)})


def test_selection_only_report_is_accepted_and_gated_on_impact_ratio(
    tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    frame = _hires(400, {"F": 0.2, "M": 0.45})
    rules = _system(tmp_path, frame, run_cli, "--y-pred", "hired", "--control", "job")
    # the report-shape rules accept a report without true labels
    assert rules["EUAIA-10-BIAS-METRICS-REPORT"]["status"] == "pass"
    assert rules["NIST-MEASURE-2-11-FAIRNESS"]["status"] == "pass"
    assert rules["NIST-MEASURE-2-11-FAIRNESS-REPORT"]["status"] == "pass"  # Wilson intervals
    # error rates need a true label: not gated here, the impact ratio is
    assert rules["EUAIA-10-EQUALIZED-ODDS-DIFFERENCE"]["status"] == "pass"
    impact = rules["EUAIA-10-IMPACT-RATIO"]
    assert impact["status"] == "fail" and impact["gating"]
    assert "worst.impact_ratio" in impact["message"]
    # under four-fifths without a permutation test: the p-value rule asks for one
    assert rules["EUAIA-10-SELECTION-DISPARITY-TESTED"]["status"] == "fail"
    assert "missing" in rules["EUAIA-10-SELECTION-DISPARITY-TESTED"]["message"]
    # the report names the intervals it has, not bootstrap ones it lacks
    html = tmp_path / "report.html"
    run_cli("report", tmp_path / "system", "--as-of", "2026-12-06", "--html", html)
    text = html.read_text()
    assert "95% Wilson on selection rates" in text
    # (a rule's check may name `parameters.bootstrap`; the report's own words never claim one)
    assert "with 95% Wilson intervals" in text and "resamples" not in text


def test_balanced_selection_passes_and_significance_is_read(
    tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    frame = _hires(600, {"F": 0.4, "M": 0.4}, seed=5)
    args = ("--y-pred", "hired", "--permutations", "499", "--seed", "1")
    rules = _system(tmp_path, frame, run_cli, *args)
    assert rules["EUAIA-10-IMPACT-RATIO"]["status"] == "pass"
    assert rules["EUAIA-10-SELECTION-DISPARITY-TESTED"]["status"] == "pass"


def test_large_significant_gap_fails_the_p_value_gate(
    tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    frame = _hires(600, {"F": 0.15, "M": 0.5})
    args = ("--y-pred", "hired", "--permutations", "499", "--seed", "1")
    rules = _system(tmp_path, frame, run_cli, *args)
    tested = rules["EUAIA-10-SELECTION-DISPARITY-TESTED"]
    assert tested["status"] == "fail" and "p_value_holm" in tested["message"]
    assert "0.002" in tested["message"]  # (1 + 0) / (1 + 499): no shuffle reached the gap


@pytest.mark.parametrize("threshold", ["median", "0.5"])
def test_nobody_selected_is_an_error_not_a_pass(
    tmp_path: Path, run_cli: Callable[..., Any], threshold: str
) -> None:
    frame = _hires(100, {"F": 0.0, "M": 0.0}).assign(score=0.1)
    rules = _system(tmp_path, frame, run_cli, "--score", "score", "--threshold", threshold)
    impact = rules["EUAIA-10-IMPACT-RATIO"]
    assert impact["status"] == "insufficient_evidence"
    assert "undefined (null: no one in an included group was selected" in impact["message"]


def test_report_charts_still_draw_the_equalized_odds_gate() -> None:
    """The gate now skips reports without a true label; on the others the chart still draws it."""
    import yaml

    from govern.policy.checks import compile_check
    from govern.policy.reads import fairness_gates

    rules = yaml.safe_load(
        (EXAMPLE.parents[1] / "policies" / "eu-ai-act" / "art10_fairness_gates.yaml").read_text()
    )
    rule = next(r for r in rules if r["id"] == "EUAIA-10-EQUALIZED-ODDS-DIFFERENCE")
    (gate,) = fairness_gates(compile_check(rule["check"]), rule["params"])
    assert (gate.metric, gate.reference, gate.op, gate.threshold, gate.ci) == (
        "equalized_odds_difference",
        "between_groups",
        "max",
        0.1,
        "interval",
    )
