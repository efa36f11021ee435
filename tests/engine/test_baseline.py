"""Baselines: a failure recorded in the baseline does not fail the run; a new one does."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.engine.assessment import Assessment
from govern.engine.baseline import result_fingerprints
from tests.conftest import REPO, CliResult, edit

Run = Callable[..., CliResult]
AS_OF = ("--as-of", "2026-11-25")
FAILING = ("fail", "error", "needs_attestation")


@pytest.fixture
def chatbot(tmp_path: Path) -> Path:
    root = tmp_path / "support-chatbot"
    shutil.copytree(REPO / "examples" / "support-chatbot", root)
    return root


def assessment_of(result: CliResult) -> Assessment:
    return Assessment.model_validate_json(result.out)


def test_old_failures_pass_and_a_new_one_fails(run_cli: Run, chatbot: Path, tmp_path: Path) -> None:
    full = assessment_of(run_cli("check", chatbot, *AS_OF, "--format", "json"))
    failing = [r for r in full.results if r.status in FAILING]
    assert full.summary.verdict == "fail"

    baseline = tmp_path / "baseline.json"
    written = run_cli("check", chatbot, *AS_OF, "--write-baseline", baseline)
    assert written.code == 0, written.out  # everything is in the baseline it just wrote
    data = json.loads(baseline.read_text())
    assert data["format"] == "govern.baseline/1"
    assert data["system"] == "ask-lumen-support-chatbot"
    assert {f["rule"] for f in data["failures"]} == {r.rule_id for r in failing}
    prints = {p for r in failing for p in result_fingerprints(r)}
    assert {f["fingerprint"] for f in data["failures"]} == prints
    assert all("line" not in f for f in data["failures"])

    old = run_cli("check", chatbot, *AS_OF, "--baseline", baseline, "--format", "json")
    assert old.code == 0
    assessment = assessment_of(old)
    assert assessment.summary.verdict == "pass"
    assert not [r for r in assessment.results if r.status in FAILING]
    hidden = f"{len(prints)} known failure(s) in {len(failing)} rule(s) not reported"
    assert any(hidden in w for w in assessment.warnings)

    # A new failure: the prohibited-practice screening loses its attestation.
    attestations = chatbot / "governance" / "attestations.yaml"
    edit(attestations, "control: art5_screening", "control: art5_screening_old")
    new = run_cli("check", chatbot, *AS_OF, "--baseline", baseline, "--format", "json")
    assert new.code == 1
    assessment = assessment_of(new)
    assert "EUAIA-5-SCREENING-ATTESTED" in assessment.summary.gating
    reported = [r for r in assessment.results if r.status in FAILING]
    assert reported and not {p for r in reported for p in result_fingerprints(r)} & prints

    text = run_cli("check", chatbot, *AS_OF, "--baseline", baseline)
    assert text.code == 1
    assert "EUAIA-5-SCREENING-ATTESTED" in text.out and "EUAIA-50-AI-DISCLOSURE [" not in text.out


def test_edits_elsewhere_keep_a_failure_known(run_cli: Run, chatbot: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    run_cli("check", chatbot, *AS_OF, "--write-baseline", baseline)
    card = chatbot / "docs" / "model_card.yaml"
    card.write_text("# moved every finding down\n\n\n" + card.read_text())
    result = run_cli("check", chatbot, *AS_OF, "--baseline", baseline)
    assert result.code == 0, result.out


def test_a_new_finding_of_a_failing_rule_is_new(run_cli: Run, system: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    edit(system / "docs" / "card.yaml", "  name: Demo Bank\n", "  name: TODO\n")
    assert run_cli("check", system, *AS_OF, "--write-baseline", baseline).code == 0
    edit(system / "docs" / "card.yaml", "retention_days: 200", "retention_days: 20")
    result = run_cli("check", system, *AS_OF, "--baseline", baseline, "--format", "json")
    assert result.code == 1
    assert assessment_of(result).summary.gating == ["DEMO-12-LOG-RETENTION"]


def test_fixed_failures_are_reported(run_cli: Run, system: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    edit(system / "docs" / "card.yaml", "retention_days: 200", "retention_days: 20")
    run_cli("check", system, *AS_OF, "--write-baseline", baseline)
    edit(system / "docs" / "card.yaml", "retention_days: 20", "retention_days: 200")
    result = run_cli("check", system, *AS_OF, "--baseline", baseline)
    assert result.code == 0
    assert "1 recorded failure(s) no longer occur" in result.out


def test_an_expired_waiver_makes_its_failure_new(
    run_cli: Run, chatbot: Path, tmp_path: Path
) -> None:
    edit(
        chatbot / "govern.yaml",
        "waivers: []\n",
        "waivers:\n  - {rule: EUAIA-4-AI-LITERACY, reason: Training booked, "
        "approved_by: CTO, expires: 2026-12-01}\n",
    )
    baseline = tmp_path / "b.json"
    run_cli("check", chatbot, *AS_OF, "--write-baseline", baseline)
    assert run_cli("check", chatbot, "--as-of", "2026-11-30", "--baseline", baseline).code == 0
    later = run_cli("check", chatbot, "--as-of", "2026-12-02", "--baseline", baseline)
    assert later.code == 1 and "EUAIA-4-AI-LITERACY" in later.out


def test_baseline_of_another_system_is_refused(
    run_cli: Run, chatbot: Path, system: Path, tmp_path: Path
) -> None:
    baseline = tmp_path / "b.json"
    run_cli("check", system, *AS_OF, "--write-baseline", baseline)
    result = run_cli("check", chatbot, *AS_OF, "--baseline", baseline)
    assert result.code == 2
    assert "written for system 'demo', not 'ask-lumen-support-chatbot'" in result.err


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "b.json:1"),
        ('{"format": "govern.baseline/9"}', "format"),
    ],
)
def test_broken_baseline_is_bad_input(
    run_cli: Run, system: Path, tmp_path: Path, content: str, message: str
) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_text(content)
    result = run_cli("check", system, *AS_OF, "--baseline", baseline)
    assert result.code == 2 and message in result.err


def test_missing_baseline_is_bad_input(run_cli: Run, system: Path, tmp_path: Path) -> None:
    result = run_cli("check", system, "--baseline", tmp_path / "none.json")
    assert result.code == 2 and "file not found" in result.err


def test_baseline_options_from_the_environment(
    run_cli: Run, chatbot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline = tmp_path / "b.json"
    monkeypatch.setenv("GOVERN_AS_OF", "2026-11-25")
    monkeypatch.setenv("GOVERN_WRITE_BASELINE", str(baseline))
    assert run_cli("check", chatbot).code == 0
    monkeypatch.delenv("GOVERN_WRITE_BASELINE")
    assert run_cli("check", chatbot).code == 1
    monkeypatch.setenv("GOVERN_BASELINE", str(baseline))
    assert run_cli("check", chatbot).code == 0


def test_baseline_bytes_are_stable(run_cli: Run, chatbot: Path, tmp_path: Path) -> None:
    run_cli("check", chatbot, *AS_OF, "--write-baseline", tmp_path / "1.json")
    run_cli("check", chatbot, *AS_OF, "--write-baseline", tmp_path / "2.json")
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()
