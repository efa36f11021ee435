"""insufficient_evidence: what the evidence cannot estimate is neither a pass nor a plain fail.

Which cases it covers (docs/assessment-json.md): a metric whose value is null (undefined, e.g. a
group with no positives), a fairness value resting on a group smaller than the rule's `min_n`,
and a placeholder (TBD, N/A...) where a threshold needs a number. A missing field stays `fail`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest

from govern.policy.checks import Context, compile_check, evaluate
from tests.conftest import REPO, CliResult, write

Run = Callable[..., CliResult]
AS_OF = ("--as-of", "2026-12-06")
EXAMPLE_FAIRNESS = REPO / "examples" / "credit-scoring" / "reports" / "fairness.json"

RULE = """\
- id: DEMO-EOD
  title: Equalized odds within 0.1
  refs: {eu-ai-act: ["Art.10(2)(f)"]}
  severity: high
  params: {max_eod: 0.1, min_group: 100}
  check:
    max:
      path: "fairness[*].features[*].disparities.equalized_odds_difference.between_groups"
      value: {param: max_eod}
      min_n: {param: min_group}
  remediation: Gather enough data per group to estimate the gap.
"""


def _outcome(view: dict[str, Any], check: dict[str, Any]) -> str:
    ctx = Context(view, {}, lambda control: [], dt.date(2026, 1, 1))
    return evaluate(compile_check(check), ctx).status


def test_a_placeholder_where_a_threshold_needs_a_number_is_insufficient() -> None:
    check = {"min": {"path": "model_card.logging.retention_days", "value": 183}}
    view = {"model_card": {"logging": {"retention_days": "TBD"}}}
    assert _outcome(view, check) == "insufficient_evidence"


def test_a_missing_value_stays_a_failure() -> None:
    check = {"min": {"path": "model_card.logging.retention_days", "value": 183}}
    assert _outcome({"model_card": {"logging": {}}}, check) == "fail"
    assert _outcome({"model_card": {"logging": {"retention_days": None}}}, check) == "fail"


def test_a_failure_outranks_insufficient_evidence_and_any_prefers_it_to_failure() -> None:
    view = {"system": {"a": {"value": None}, "b": 1, "c": 5}}
    unknown = {"max": {"path": "system.a", "value": 0.1}}
    failing = {"max": {"path": "system.c", "value": 2}}
    passing = {"max": {"path": "system.b", "value": 2}}
    assert _outcome(view, {"all": [unknown, failing]}) == "fail"
    assert _outcome(view, {"all": [unknown, passing]}) == "insufficient_evidence"
    assert _outcome(view, {"any": [unknown, failing]}) == "insufficient_evidence"
    assert _outcome(view, {"any": [unknown, passing]}) == "pass"
    assert _outcome(view, {"not": unknown}) == "insufficient_evidence"


def test_min_n_applies_to_a_group_metric_through_its_own_group() -> None:
    view = {
        "fairness": [
            {
                "features": [
                    {
                        "groups": [
                            {"group": "F", "count": 8, "metrics": {"tpr": {"value": 0.0}}},
                            {"group": "M", "count": 900, "metrics": {"tpr": {"value": 0.0}}},
                        ]
                    }
                ]
            }
        ]
    }
    base = {"path": "fairness[*].features[*].groups[*].metrics.tpr", "value": 0.5}
    assert _outcome(view, {"max": {**base, "min_n": 30}}) == "insufficient_evidence"
    only_m = {**base, "path": "fairness[0].features[0].groups[1].metrics.tpr"}
    assert _outcome(view, {"max": {**only_m, "min_n": 30}}) == "pass"


@pytest.fixture
def fair_system(system: Path) -> Path:
    """The small demo system with the credit example's fairness report and a min_n gate."""
    shutil.copy(EXAMPLE_FAIRNESS, system / "docs" / "fairness.json")
    manifest = system / "govern.yaml"
    text = manifest.read_text().replace(
        "  attestations: docs/attestations.yaml\n",
        "  attestations: docs/attestations.yaml\n  fairness: [docs/fairness.json]\n",
    )
    manifest.write_text(text)
    write(system / "pack" / "fairness.yaml", RULE)
    return system


def _eod(run_cli: Run, root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    data = json.loads(run_cli("check", root, *AS_OF, "--format", "json").out)
    (result,) = [r for r in data["results"] if r["rule_id"] == "DEMO-EOD"]
    return result, data["summary"]


def test_enough_data_passes(fair_system: Path, run_cli: Run) -> None:
    result, summary = _eod(run_cli, fair_system)
    assert result["status"] == "pass"
    assert summary["counts"]["insufficient_evidence"] == 0


def test_a_group_below_min_n_blocks_and_is_counted_apart(fair_system: Path, run_cli: Run) -> None:
    report = json.loads((fair_system / "docs" / "fairness.json").read_text())
    report["features"][0]["groups"][0]["count"] = 12
    (fair_system / "docs" / "fairness.json").write_text(json.dumps(report))
    result, summary = _eod(run_cli, fair_system)
    assert result["status"] == "insufficient_evidence" and result["gating"] is True
    assert "has n=12" in result["findings"][0]["found"]
    assert "below the pack's minimum 100" in result["findings"][0]["found"]
    assert result["findings"][0]["location"]["file"] == "docs/fairness.json"
    assert summary["counts"]["insufficient_evidence"] == 1
    assert summary["verdict"] == "fail" and "DEMO-EOD" in summary["gating"]

    text = run_cli("check", fair_system, *AS_OF)
    assert text.code == 1
    out = click.unstyle(text.out)
    assert "INSUFFICIENT EVIDENCE  DEMO-EOD" in out
    assert "1 insufficient evidence" in out

    junit = run_cli("check", fair_system, *AS_OF, "--format", "junit").out
    assert 'name="DEMO-EOD: ' in junit and 'failures="1"' in junit
    markdown = run_cli("check", fair_system, *AS_OF, "--format", "markdown").out
    assert "INSUFFICIENT EVIDENCE" in markdown


def test_a_null_metric_is_insufficient_not_a_pass(fair_system: Path, run_cli: Run) -> None:
    report = json.loads((fair_system / "docs" / "fairness.json").read_text())
    gap = report["features"][0]["disparities"]["equalized_odds_difference"]["between_groups"]
    gap["value"], gap["ci"] = None, None
    (fair_system / "docs" / "fairness.json").write_text(json.dumps(report))
    result, summary = _eod(run_cli, fair_system)
    assert result["status"] == "insufficient_evidence"
    assert "cannot estimate" in result["findings"][0]["found"]
    assert summary["verdict"] == "fail"


def test_the_html_report_counts_insufficient_evidence_apart(
    fair_system: Path, run_cli: Run, tmp_path: Path
) -> None:
    report = json.loads((fair_system / "docs" / "fairness.json").read_text())
    report["features"][0]["groups"][0]["count"] = 12
    (fair_system / "docs" / "fairness.json").write_text(json.dumps(report))
    html = tmp_path / "r.html"
    assert run_cli("report", fair_system, *AS_OF, "--html", html).code == 0
    text = html.read_text()
    assert "Insufficient evidence" in text
    assert "badge-insufficient_evidence" in text
