"""European standards appear in `policies coverage` as a crosswalk with their legal weight stated:
EN 18286 published but not cited in the Official Journal, the prEN drafts never gating."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from pydantic import ValidationError

from govern.policy.standards import Standard, standards_problems
from govern.reference import reference_path
from tests.conftest import CliResult

Run = Callable[..., CliResult]
DRAFTS = {"prEN 18228", "prEN 18229-1", "prEN 18229-2", "prEN 18282", "prEN 18283", "prEN 18284"}


def _standards(run_cli: Run) -> dict[str, dict[str, object]]:
    result = run_cli("policies", "coverage", "--framework", "eu-ai-act", "--format", "json")
    assert result.code == 0, result.err
    return {s["id"]: s for s in json.loads(result.out)[0]["standards"]}


def test_every_provision_in_the_standards_crosswalk_is_in_the_catalogue() -> None:
    assert standards_problems() == []


def test_en_18286_maps_clauses_to_art17_rules_without_presumption(run_cli: Run) -> None:
    en = _standards(run_cli)["EN 18286:2026"]
    assert en["status"] == "published" and en["cited_in_oj"] is False
    assert en["presumption_of_conformity"] is False and en["gates"] is False
    assert en["citation_status"] == (
        "published, not cited in the Official Journal: no presumption of conformity"
    )
    clauses = {c["clause"]: c for c in en["clauses"]}  # type: ignore[attr-defined]
    for clause in clauses.values():
        assert all(p.startswith("Art.17(") for p in clause["eu_ai_act"])
    assert "EUAIA-17-DATA-MANAGEMENT" in clauses["8.5"]["rules"]
    assert "EUAIA-73-INCIDENT-REPORTING" in clauses["9.5"]["rules"]
    assert "EUAIA-17-QMS" in clauses["4.3"]["rules"]


def test_drafts_are_listed_never_gate_and_are_never_called_harmonised(run_cli: Run) -> None:
    standards = _standards(run_cli)
    assert set(standards) >= DRAFTS
    for draft in DRAFTS:
        entry = standards[draft]
        assert entry["status"] == "draft" and entry["gates"] is False
        assert entry["presumption_of_conformity"] is False
        assert "harmonised" not in json.dumps(entry).lower()
    text = run_cli("policies", "coverage", "--framework", "eu-ai-act").out
    assert "EN 18286:2026" in text
    assert "[published, not cited in the Official Journal: no presumption of conformity]" in text
    assert "prEN 18283: " in text and "[draft (prEN): no legal effect, never gates]" in text


def test_no_rule_depends_on_a_standard() -> None:
    packs = reference_path("eu-ai-act").parents[2] / "policies"
    for path in packs.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "18286" not in text and "prEN" not in text, path


@pytest.mark.parametrize(
    "entry",
    [
        {"status": "published", "presumption_of_conformity": True},
        {"status": "draft", "cited_in_oj": True},
        {"status": "draft", "clauses": [{"clause": "4.1", "title": "General"}]},
    ],
)
def test_the_catalogue_cannot_overstate_a_standard(entry: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match=r"presumption|draft"):
        Standard.model_validate({"id": "EN 0", "title": "t", **entry})
