"""The bundled examples behave as documented: credit-scoring passes, support-chatbot fails."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from govern.engine.assessment import Assessment
from tests.conftest import REPO, CliResult

Run = Callable[..., CliResult]
EXAMPLES = REPO / "examples"


def assess(run_cli: Run, name: str) -> tuple[CliResult, Assessment]:
    result = run_cli("check", EXAMPLES / name, "--format", "json", "--as-of", "2026-11-25")
    return result, Assessment.model_validate_json(result.out)


def test_credit_scoring_passes_completely(run_cli: Run) -> None:
    result, assessment = assess(run_cli, "credit-scoring")
    assert result.code == 0, result.err
    assert assessment.classification.tier == "high"
    assert assessment.classification.annex_iii == "5(b)"
    bad = [
        (r.rule_id, r.status, r.message)
        for r in assessment.results
        if r.status in ("fail", "error", "needs_attestation")
    ]
    assert bad == []
    applicable = [r for r in assessment.results if r.status != "not_applicable"]
    assert len(applicable) >= 40
    assert {e.kind for e in assessment.evidence} >= {
        "model_card",
        "dataset",
        "fairness",
        "attestations",
    }


def test_credit_scoring_text_output(run_cli: Run) -> None:
    result = run_cli("check", EXAMPLES / "credit-scoring", "--as-of", "2026-11-25")
    assert result.code == 0
    assert "Verdict: PASS" in result.out


def test_support_chatbot_fails_with_clear_messages(run_cli: Run) -> None:
    result, assessment = assess(run_cli, "support-chatbot")
    assert result.code == 1
    assert assessment.classification.tier == "limited"
    assert assessment.summary.verdict == "fail" and assessment.summary.gating
    assert not [r.rule_id for r in assessment.results if r.status == "error"]
    for rule in (r for r in assessment.results if r.status == "fail"):
        assert rule.remediation and rule.findings
        for finding in rule.findings:
            assert finding.location.line >= 1 and finding.location.file
    text = run_cli("check", EXAMPLES / "support-chatbot", "--as-of", "2026-11-25")
    assert text.code == 1 and "Verdict: FAIL" in text.out and "fix " in text.out


def test_examples_under_every_calendar_and_option(run_cli: Run) -> None:
    for flags in (["--calendar", "original"], ["--only-in-force"], ["--fail-on", "low"]):
        result = run_cli("check", EXAMPLES / "credit-scoring", "--as-of", "2026-11-25", *flags)
        assert result.code == 0, (flags, result.out)


def test_examples_keep_their_verdicts_under_the_law_in_force(run_cli: Run) -> None:
    # 2026-12-06: after the Omnibus prohibitions and the Art.50(2) grace period began to apply.
    for calendar in ("amended", "original"):
        flags = ("--as-of", "2026-12-06", "--calendar", calendar)
        assert run_cli("check", EXAMPLES / "credit-scoring", *flags).code == 0, calendar
        assert run_cli("check", EXAMPLES / "support-chatbot", *flags).code == 1, calendar


def test_chatbot_evaluations_are_what_its_script_writes(tmp_path: Path) -> None:
    """The synthetic evaluation evidence is reproducible from the example's own script."""
    folder = REPO / "examples" / "support-chatbot" / "evals"
    subprocess.run([sys.executable, str(folder / "make_evaluations.py"), str(tmp_path)], check=True)
    for name in ("benchmarks.yaml", "red_team.yaml"):
        written = (tmp_path / name).read_text(encoding="utf-8")
        assert written == (folder / name).read_text(encoding="utf-8")
        assert written.startswith("# SYNTHETIC illustration")
