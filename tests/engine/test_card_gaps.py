"""`govern card lint`: gaps for a tier and framework, blocking first, with provisions and lines."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


@pytest.fixture
def govern(run_cli: Callable[..., Any]) -> Callable[..., Any]:
    """The real `govern` entry point."""
    return run_cli


def lint_json(govern: Callable[..., Any], *args: str | Path) -> tuple[int, dict[str, Any]]:
    result = govern("card", "lint", *args, "--format", "json")
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


CARD = """\
identity:
  name: Tiny
  version: 1.0.0
provider:
  name: "TODO: legal name"
intended_purpose:
  description: Sort support tickets.
logging:
  retention_days: 30
"""


def test_complete_high_risk_example_has_no_blocking_gap(govern: Callable[..., Any]) -> None:
    code, report = lint_json(govern, EXAMPLES / "credit-scoring")
    assert code == 0
    assert report["blocking"] == 0
    assert report["profile"] == ["high"]


def test_missing_transparency_blocks_the_chatbot(govern: Callable[..., Any]) -> None:
    result = govern("card", "lint", EXAMPLES / "support-chatbot")
    assert result.code == 1
    assert "BLOCKING mc.transparency_art50" in result.out
    assert "docs/model_card.yaml:244:3: model_card.transparency.ai_disclosure: missing" in (
        result.out
    )
    assert "EU AI Act Art.50(1)" in result.out


def test_blocking_gaps_come_first(govern: Callable[..., Any], tmp_path: Path) -> None:
    card = write(tmp_path / "card.yaml", CARD)
    _, report = lint_json(govern, card, "--tier", "high")
    flags = [gap["blocking"] for gap in report["gaps"]]
    assert flags == sorted(flags, reverse=True)
    assert report["blocking"] > 0


def test_placeholder_is_missing_and_points_at_its_line(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    card = write(tmp_path / "card.yaml", CARD)
    _, report = lint_json(govern, card, "--tier", "minimal")
    (gap,) = [g for g in report["gaps"] if g["path"] == "model_card.provider.name"]
    assert gap["blocking"] and gap["kind"] == "missing"
    assert gap["found"].startswith("placeholder 'TODO")
    assert (gap["line"], gap["column"]) == (5, 3)
    assert "Art.16(b)" in gap["provisions"]["eu-ai-act"]


def test_tier_decides_what_blocks(govern: Callable[..., Any], tmp_path: Path) -> None:
    card = write(tmp_path / "card.yaml", CARD.replace('"TODO: legal name"', "Acme Ltd"))
    eu = ("--framework", "eu-ai-act")
    code, minimal = lint_json(govern, card, "--tier", "minimal", *eu)
    assert code == 0 and minimal["blocking"] == 0 and minimal["advisory"] > 0
    code, high = lint_json(govern, card, "--tier", "high", *eu)
    assert code == 1
    fields = {g["field"] for g in high["gaps"] if g["blocking"]}
    assert {"mc.human_oversight", "mc.logging", "mc.conformity"} <= fields


def test_weak_value_is_reported(govern: Callable[..., Any], tmp_path: Path) -> None:
    card = write(tmp_path / "card.yaml", CARD)
    _, report = lint_json(govern, card, "--tier", "high")
    (weak,) = [g for g in report["gaps"] if g["kind"] == "weak" and "retention" in g["path"]]
    assert weak["blocking"] and weak["found"] == "30"
    assert "183" in weak["expected"]


def test_framework_selects_provisions_and_fields(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    card = write(tmp_path / "card.yaml", CARD)
    _, report = lint_json(govern, card, "--tier", "minimal", "--framework", "iso-42001")
    assert report["frameworks"] == ["iso-42001"]
    assert all(set(g["provisions"]) == {"iso-42001"} for g in report["gaps"])
    # ISO controls are not tiered: the appeal process is asked for even at minimal risk.
    assert any(g["path"] == "model_card.feedback.appeal_process" for g in report["gaps"])
    _, eu = lint_json(govern, card, "--tier", "minimal", "--framework", "eu-ai-act")
    assert not any(g["path"] == "model_card.feedback.appeal_process" for g in eu["gaps"])


def test_gpai_adds_its_fields(govern: Callable[..., Any], tmp_path: Path) -> None:
    card = write(tmp_path / "card.yaml", CARD)
    _, report = lint_json(govern, card, "--tier", "minimal", "--gpai")
    assert "gpai" in report["profile"]
    assert any(g["field"] == "mc.gpai_copyright" and g["blocking"] for g in report["gaps"])


def test_dataset_record_on_its_own(govern: Callable[..., Any], tmp_path: Path) -> None:
    record = write(tmp_path / "data.yaml", "id: tickets\nname: Tickets\n")
    _, report = lint_json(govern, record, "--tier", "high")
    assert report["gaps"] and all(g["path"].startswith("datasets[0].") for g in report["gaps"])
    assert all(g["field"].startswith("dp.") for g in report["gaps"])


def test_foreign_card_is_linted_at_its_own_lines(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    card = write(
        tmp_path / "README.md",
        "---\nlicense: mit\n---\n# Model Card for tiny\n\n## Model Card Contact\n\nTODO\n",
    )
    result = govern("card", "lint", card, "--tier", "minimal")
    assert result.code == 1
    assert "README.md:1:1: model_card.provider.name: missing" in result.out
    assert "no place in govern's model" not in result.err  # nothing left unmapped


def test_system_without_fairness_report_names_govern_yaml(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    system = tmp_path / "system"
    shutil.copytree(EXAMPLES / "credit-scoring", system)
    manifest = system / "govern.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "fairness: [reports/fairness.json]", "fairness: []"
        ),
        encoding="utf-8",
    )
    code, report = lint_json(govern, system)
    assert code == 1
    gaps = [g for g in report["gaps"] if g["field"] == "bm.group_metrics"]
    assert gaps and gaps[0]["file"] == "govern.yaml" and gaps[0]["path"] == "fairness"


def test_text_output_groups_gaps_under_their_field(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    card = write(tmp_path / "card.yaml", CARD)
    result = govern("card", "lint", card, "--tier", "minimal", "--framework", "eu-ai-act")
    lines = result.out.splitlines()
    header = lines.index("BLOCKING mc.provider - Provider identity and contact")
    assert lines[header + 1].startswith("  serves: EU AI Act Art.13(3)(a)")
    assert lines[-1].startswith("1 blocking gap,")


def test_bad_input_exits_2(govern: Callable[..., Any], tmp_path: Path) -> None:
    card = write(tmp_path / "card.yaml", "identity:\n  nme: x\n")
    result = govern("card", "lint", card)
    assert result.code == 2
    assert "card.yaml:2:3: identity.nme: unknown field 'nme'" in result.err


def test_annex_i_placeholder_is_a_weak_gap_at_its_line(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    system = tmp_path / "system"
    shutil.copytree(EXAMPLES / "credit-scoring", system)
    manifest = system / "govern.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "  art6_3_exception: null",
            '  annex_i: "TODO: the Annex I act"\n  art6_3_exception: null',
        ),
        encoding="utf-8",
    )
    _, report = lint_json(govern, system)
    (gap,) = [g for g in report["gaps"] if g["field"] == "mc.classification"]
    assert (gap["file"], gap["line"], gap["column"]) == ("govern.yaml", 17, 3)
    assert gap["path"] == "classification.annex_i" and gap["kind"] == "weak"
    assert gap["found"] == "placeholder 'TODO: the Annex I act'"
    assert gap["expected"].startswith("the Annex I act named in annex_i")
