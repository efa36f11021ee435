"""Real public model cards, imported and compared with what a reader fills in by hand.

Each card under tests/fixtures/cards has a `.expected.yaml` written by reading the card (see the
README there). `dev/` cards were used while writing the importer; `heldout/` cards were only scored
once the importer was done, so their share is the figure to quote for cards govern has not seen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from govern.evidence.model_card import ModelCard
from govern.load.importers import import_file
from tests.conftest import REPO

CARDS = REPO / "tests" / "fixtures" / "cards"


def _value(card: ModelCard, path: str) -> Any:
    node: Any = card.model_dump(mode="json", by_alias=True)
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value is not None else []


def _holds(value: Any, expected: dict[str, Any]) -> bool:
    """Whether an imported value is what the reader wrote down."""
    if value in (None, [], {}):
        return False
    kind, want = next(iter(expected.items()))
    if kind == "equals":
        return str(value).strip().lower() == str(want).strip().lower()
    if kind == "contains":
        return any(str(want).lower() in " ".join(s.split()).lower() for s in _strings(value))
    if kind == "month":
        return str(value).startswith(str(want))
    if kind == "number":
        return (
            isinstance(value, int | float) and abs(value - float(want)) <= abs(float(want)) * 0.01
        )
    raise AssertionError(f"unknown expectation {kind}")


def score(folder: str) -> tuple[int, int, list[str]]:
    """(fields mapped as the reader expects, fields the reader expects, what was missed)."""
    hits, total, missed = 0, 0, []
    for expected_file in sorted((CARDS / folder).glob("*.expected.yaml")):
        card_file = expected_file.with_name(expected_file.name.replace(".expected.yaml", ".md"))
        card = import_file(card_file, "model_card", "huggingface").model
        assert isinstance(card, ModelCard)
        fields = yaml.safe_load(expected_file.read_text(encoding="utf-8"))["fields"]
        for path, expected in fields.items():
            total += 1
            if _holds(_value(card, path), expected):
                hits += 1
            else:
                missed.append(f"{card_file.stem}: {path}")
    return hits, total, missed


@pytest.mark.parametrize(("folder", "floor"), [("dev", 0.9), ("heldout", 0.9)])
def test_share_of_what_a_reader_fills(folder: str, floor: float) -> None:
    hits, total, missed = score(folder)
    assert total >= 20
    assert hits / total >= floor, f"{hits}/{total}; missed: {missed}"


def test_every_mapped_field_keeps_its_source_line() -> None:
    from govern.load.importers import load_evidence_model

    path = CARDS / "dev" / "gpt2.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    document = load_evidence_model(path, "gpt2.md", "model_card", "huggingface").document
    card = import_file(path, "model_card", "huggingface").model
    assert isinstance(card, ModelCard)

    def line(*field: str | int) -> str:
        return lines[document.locate(field).line - 1]

    assert line("identity", "name") == "# GPT-2 model card"
    assert line("architecture", "model_type") == "### Model type"
    assert "developed by researchers at OpenAI" in line("provider", "name")
    assert card.identity.release_date == dt.date(2019, 2, 1)


@pytest.mark.parametrize("card_file", sorted(CARDS.glob("*/*.md")), ids=lambda p: p.stem)
def test_every_imported_value_has_a_source_line(card_file: Path) -> None:
    from govern.load.importers import import_document
    from govern.load.importers.result import positions_for

    document, result = import_document(card_file, "model_card", "huggingface")
    positions = positions_for(result, document)
    lines = card_file.read_text(encoding="utf-8").splitlines()
    leaves = _leaves(result.model.model_dump(mode="json", exclude_defaults=True))
    assert leaves
    for path in leaves:
        placed = next((path[:i] for i in range(len(path), 0, -1) if path[:i] in positions), None)
        assert placed is not None, f"{card_file.name}: {path} has no source"
        assert lines[positions[placed].line - 1].strip(), f"{card_file.name}: {path}"


def _leaves(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in _leaves(v, (*path, i))]
    return [path]
