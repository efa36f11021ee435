"""Completeness per framework and tier: the share of required fields a card fills, placeholders not
counted, printed by `card lint` beside the gaps and by `card import` for what it imported."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import REPO, write

# Known gaps: the provider is a placeholder, and nothing beyond identity and purpose is written.
CARD = """\
identity:
  name: Tiny
  version: 1.0.0
provider:
  name: "TODO: legal name"
intended_purpose:
  description: Sort support tickets.
feedback:
  contact: ml@tiny.example
"""


def rows(result_out: str) -> dict[tuple[str, str], dict[str, Any]]:
    data = json.loads(result_out)
    return {(c["framework"], c["tier"]): c for c in data["completeness"]}


def test_placeholder_counts_as_missing(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    card = write(tmp_path / "card.yaml", CARD)
    result = run_cli("card", "lint", card, "--tier", "minimal", "--format", "json")
    found = rows(result.out)
    eu = found[("eu-ai-act", "minimal")]
    assert (eu["filled"], eu["required"], eu["share"]) == (2, 3, 0.6667)
    assert eu["missing"] == ["mc.provider"]
    assert set(found) == {
        (fw, tier)
        for fw in ("eu-ai-act", "iso-42001", "nist-ai-rmf")
        for tier in ("high", "limited", "minimal")
    }
    # High risk asks for far more of the card than minimal.
    assert found[("eu-ai-act", "high")]["required"] > eu["required"]


def test_filling_the_gap_raises_the_figure(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    card = write(tmp_path / "card.yaml", CARD.replace('"TODO: legal name"', "Tiny Ltd"))
    result = run_cli("card", "lint", card, "--tier", "minimal", "--framework", "eu-ai-act")
    assert "  EU AI Act  minimal   100%  3/3 fields  <- this tier" in result.out.splitlines()
    assert result.out.splitlines()[-1].startswith("0 blocking gaps")


def test_text_output_shows_the_linted_tier(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    card = write(tmp_path / "card.yaml", CARD)
    result = run_cli("card", "lint", card, "--tier", "minimal", "--framework", "eu-ai-act")
    lines = result.out.splitlines()
    start = lines.index("completeness (required fields filled, not placeholders):")
    assert lines[start + 1] == "  EU AI Act  minimal    67%  2/3 fields  <- this tier"
    assert lines[start + 2].startswith("  EU AI Act  high ")


def test_card_import_prints_completeness(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    source = REPO / "tests" / "fixtures" / "cards" / "dev" / "gpt2.md"
    result = run_cli("card", "import", source, "-o", tmp_path / "card.yaml")
    assert result.code == 0, result.err
    assert "completeness (required fields filled, not placeholders):" in result.err
    assert "  EU AI Act      minimal    67%  2/3 fields" in result.err.splitlines()
