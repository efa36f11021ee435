"""`govern init`: a scaffold that loads, fails on the gaps lint names, and passes once filled."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govern.cli.init import command as init_command
from govern.policy.checks import is_present

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "credit-scoring"
AS_OF = "2026-11-25"


@pytest.fixture
def govern(run_cli: Callable[..., Any]) -> Callable[..., Any]:
    return run_cli


@pytest.fixture
def scaffold(govern: Callable[..., Any], tmp_path: Path) -> Path:
    target = tmp_path / "loan-scorer"
    result = govern("init", target, "--no-input")
    assert result.code == 0, result.err
    return target


def test_no_input_writes_the_scaffold(scaffold: Path) -> None:
    written = sorted(p.relative_to(scaffold).as_posix() for p in scaffold.rglob("*") if p.is_file())
    assert written == [
        "docs/data/testing.yaml",
        "docs/data/training.yaml",
        "docs/model_card.yaml",
        "govern.yaml",
        "governance/attestations.yaml",
    ]
    manifest = yaml.safe_load((scaffold / "govern.yaml").read_text(encoding="utf-8"))
    assert manifest["system"]["id"] == "loan-scorer"
    assert manifest["system"]["name"] == "Loan Scorer"
    card = (scaffold / "docs" / "model_card.yaml").read_text(encoding="utf-8")
    assert '  address: "TODO: postal address of the provider"' in card
    assert "  retention_days: null            # TODO:" in card
    attestations = (scaffold / "governance" / "attestations.yaml").read_text(encoding="utf-8")
    assert "attestations: []" in attestations and "# - control: qms" in attestations


def test_scaffold_loads_as_a_high_risk_system(scaffold: Path) -> None:
    from govern.engine.classify import classify
    from govern.load.bundle import load_system

    bundle = load_system(scaffold)
    assert classify(bundle.manifest).tier == "high"
    assert [d.model.id for d in bundle.datasets] == ["training-data", "testing-data"]


def failing_fields(govern: Callable[..., Any], system: Path) -> set[tuple[str, str]]:
    result = govern("check", system, "--format", "json", "--as-of", AS_OF)
    assert result.code == 1, result.err
    fields = set()
    for rule in json.loads(result.out)["results"]:
        for finding in rule["findings"]:
            location = finding["location"]
            if finding["status"] in ("fail", "error") and "attestations" not in location["file"]:
                fields.add((location["file"], location["field"]))
    return fields


def test_check_fails_on_gaps_that_lint_names(govern: Callable[..., Any], scaffold: Path) -> None:
    failing = failing_fields(govern, scaffold)
    assert len(failing) > 100
    lint = govern("card", "lint", scaffold, "--format", "json")
    assert lint.code == 1
    gaps = json.loads(lint.out)["gaps"]
    named = {(gap["file"], gap["path"]) for gap in gaps}
    assert failing <= named, f"check failures lint does not name: {sorted(failing - named)}"
    assert all(gap["line"] > 0 and gap["path"] for gap in gaps)
    # The placeholder classification answer is itself a failure, at its own line.
    assert ("govern.yaml", "classification.annex_i") in failing


def test_placeholder_classification_is_unanswered(
    govern: Callable[..., Any], scaffold: Path
) -> None:
    classified = govern("classify", scaffold)
    assert "high-risk (assumed until answered)" in classified.out
    assert "classification.annex_i is unanswered" in classified.out
    assert "product under TODO" not in classified.out
    lint = govern("card", "lint", scaffold)
    annex_i = "govern.yaml:17:3: classification.annex_i: placeholder 'TODO: the Annex I"
    assert annex_i in lint.out
    assert "it holds" not in lint.out and ":1:1: :" not in lint.out


def test_lint_points_at_each_todo(govern: Callable[..., Any], scaffold: Path) -> None:
    lint = govern("card", "lint", scaffold, "--format", "json")
    gaps = json.loads(lint.out)["gaps"]
    card_lines = (scaffold / "docs" / "model_card.yaml").read_text(encoding="utf-8").splitlines()
    todo_lines = {n for n, line in enumerate(card_lines, start=1) if "TODO" in line}
    pointed = {g["line"] for g in gaps if g["file"] == "docs/model_card.yaml"}
    # Every gap in the card is on a TODO line or just below a TODO comment.
    near = {line for line in pointed if {line, line - 1, line - 2} & todo_lines}
    assert near == pointed


def _blank(value: Any) -> bool:
    return value in (None, [], {}) or (isinstance(value, str) and not is_present(value))


def _fill(scaffold: Any, answers: Any) -> Any:
    """What a user does: replace each TODO (and each empty field to fill) with a real answer."""
    if isinstance(scaffold, dict):
        source = answers if isinstance(answers, dict) else {}
        return {
            key: source.get(key) if _blank(value) else _fill(value, source.get(key))
            for key, value in scaffold.items()
        }
    if isinstance(scaffold, list) and isinstance(answers, list):
        return [_fill(v, answers[i]) if i < len(answers) else v for i, v in enumerate(scaffold)]
    return scaffold


def fill_from_example(system: Path) -> None:
    for mine, theirs in (
        ("govern.yaml", "govern.yaml"),
        ("docs/model_card.yaml", "docs/model_card.yaml"),
        ("docs/data/training.yaml", "docs/data/training.yaml"),
        ("docs/data/testing.yaml", "docs/data/testing.yaml"),
    ):
        data = yaml.safe_load((system / mine).read_text(encoding="utf-8"))
        answers = yaml.safe_load((EXAMPLE / theirs).read_text(encoding="utf-8"))
        filled = _fill(data, answers)
        (system / mine).write_text(yaml.safe_dump(filled, sort_keys=False), encoding="utf-8")
    (system / "reports").mkdir()
    shutil.copy(EXAMPLE / "reports" / "fairness.json", system / "reports" / "fairness.json")
    _make_coherent(system)
    shutil.copy(
        EXAMPLE / "governance" / "attestations.yaml", system / "governance" / "attestations.yaml"
    )


def _make_coherent(system: Path) -> None:
    """The example's answers are another system's: point them at this scaffold's own dataset
    ids, digests and version, as GOVERN-COHERENCE-* requires of real evidence."""
    card_path = system / "docs" / "model_card.yaml"
    card = yaml.safe_load(card_path.read_text(encoding="utf-8"))
    records = {}
    for name in ("training", "testing"):
        record = yaml.safe_load((system / "docs" / "data" / f"{name}.yaml").read_text("utf-8"))
        records[record["id"]] = record
    for ref in card["datasets"]:
        ref["sha256"] = records[ref["id"]]["files"][0]["sha256"]
    testing = next(ref["id"] for ref in card["datasets"] if ref["role"] == "testing")
    for result in card["evaluation"]:
        result["dataset"] = testing
    card_path.write_text(yaml.safe_dump(card, sort_keys=False), encoding="utf-8")
    report = system / "reports" / "fairness.json"
    data = json.loads(report.read_text(encoding="utf-8"))
    data.update(model_version=card["identity"]["version"], dataset=testing)
    report.write_text(json.dumps(data, indent=2), encoding="utf-8")


def test_scaffold_passes_check_once_filled(govern: Callable[..., Any], scaffold: Path) -> None:
    fill_from_example(scaffold)
    result = govern("check", scaffold, "--as-of", AS_OF)
    assert result.code == 0, result.out[-3000:]
    lint = govern("card", "lint", scaffold, "--format", "json")
    assert json.loads(lint.out)["blocking"] == 0


def test_init_never_overwrites_without_force(govern: Callable[..., Any], scaffold: Path) -> None:
    card = scaffold / "docs" / "model_card.yaml"
    card.write_text("identity: {name: mine}\n", encoding="utf-8")
    result = govern("init", scaffold, "--no-input")
    assert result.code == 2 and "already exist" in result.err
    assert card.read_text(encoding="utf-8") == "identity: {name: mine}\n"
    assert govern("init", scaffold, "--no-input", "--force").code == 0
    assert "TODO" in card.read_text(encoding="utf-8")


@pytest.mark.parametrize("tier", ["limited", "minimal"])
def test_other_tiers_load_and_lint(govern: Callable[..., Any], tmp_path: Path, tier: str) -> None:
    from govern.engine.classify import classify
    from govern.load.bundle import load_system

    target = tmp_path / tier
    assert govern("init", target, "--no-input", "--tier", tier).code == 0
    bundle = load_system(target)
    assert classify(bundle.manifest).tier == tier
    assert [d.model.id for d in bundle.datasets] == ["training-data"]
    card = (target / "docs" / "model_card.yaml").read_text(encoding="utf-8")
    assert ("transparency:" in card) == (tier == "limited")
    assert "human_oversight:" not in card
    lint = govern("card", "lint", target, "--format", "json")
    report = json.loads(lint.out)
    assert lint.code == 1 and report["profile"][0] in (tier, "interacts_with_persons")
    fields = {g["field"] for g in report["gaps"] if g["blocking"]}
    assert "mc.provider" in fields
    if tier == "limited":
        assert "mc.transparency_art50" in fields


def test_questions_shape_the_manifest(tmp_path: Path) -> None:
    answers = "\n".join(
        [
            "Loan Scorer",  # name
            "",  # id: default slug
            "2.0.0",  # version
            "provider",
            "Score consumer-loan applications for loan officers.",
            "high",
            "5(b)",  # Annex III point
            "y",  # profiling natural persons
            "",  # Art.50 triggers
            "eu-ai-act, nist-ai-rmf",
        ]
    )
    result = CliRunner().invoke(init_command, [str(tmp_path / "sys")], input=answers + "\n")
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load((tmp_path / "sys" / "govern.yaml").read_text(encoding="utf-8"))
    assert manifest["system"]["id"] == "loan-scorer"
    assert manifest["system"]["version"] == "2.0.0"
    assert manifest["classification"]["annex_iii"] == "5(b)"
    assert manifest["classification"]["annex_i"] is None
    assert manifest["classification"]["profiling"] is True
    assert "profile natural persons" in result.output
    assert manifest["frameworks"] == ["eu-ai-act", "nist-ai-rmf"]
    card = yaml.safe_load((tmp_path / "sys" / "docs" / "model_card.yaml").read_text())
    assert card["intended_purpose"]["description"] == (
        "Score consumer-loan applications for loan officers."
    )


def test_unknown_answer_is_asked_again(tmp_path: Path) -> None:
    answers = "\n".join(
        ["X", "", "", "provider", "", "minimal", "chatbot", "", "iso-9001", "iso-42001"]
    )
    result = CliRunner().invoke(init_command, [str(tmp_path / "sys")], input=answers + "\n")
    assert result.exit_code == 0, result.output
    assert "unknown trigger(s) chatbot" in result.output
    assert "unknown framework(s) iso-9001" in result.output
    assert 'frameworks: ["iso-42001"]' in (tmp_path / "sys" / "govern.yaml").read_text()


def _marked(lines: list[str], line: int) -> bool:
    """The line holds a TODO, or the comment block right above it does."""
    if "TODO" in lines[line - 1]:
        return True
    above = line - 2
    while above >= 0 and lines[above].lstrip().startswith("#"):
        if "TODO" in lines[above]:
            return True
        above -= 1
    return False


@pytest.mark.parametrize(
    ("tier", "frameworks"),
    [
        ("high", ()),
        ("high", ("eu-ai-act", "iso-42001", "nist-ai-rmf")),
        ("limited", ()),
        ("limited", ("eu-ai-act", "iso-42001", "nist-ai-rmf")),
        ("minimal", ()),
        ("minimal", ("iso-42001",)),
    ],
)
def test_every_field_lint_requires_is_in_the_scaffold_and_marked(
    govern: Callable[..., Any], tmp_path: Path, tier: str, frameworks: tuple[str, ...]
) -> None:
    """What `card lint` blocks on for the tier is there to fill, each marked TODO in place."""
    from govern.scaffold import Answers, render

    target = tmp_path / "sys"
    answers = Answers(
        name="Sys", system_id="sys", tier=tier, frameworks=frameworks or ("eu-ai-act",)
    )
    for path, text in render(answers).items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_text(text, encoding="utf-8")
    result = govern("card", "lint", target, "--format", "json")
    assert result.code == 1, result.err
    gaps = [g for g in json.loads(result.out)["gaps"] if g["blocking"]]
    assert gaps
    unmarked = []
    for gap in gaps:
        lines = (target / gap["file"]).read_text(encoding="utf-8").splitlines()
        key = gap["path"].rsplit(".", 1)[-1].split("[")[0]
        at = lines[gap["line"] - 1] if gap["line"] else ""
        if not (gap["line"] and key in at and _marked(lines, gap["line"])):
            unmarked.append(f"{gap['file']}:{gap['line']} {gap['path']} ({gap['found']})")
    assert not unmarked, "\n".join(unmarked)
