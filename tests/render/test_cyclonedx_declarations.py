"""`card export` of a system: a CycloneDX 1.7 (or 1.6) ML-BOM with its assessment declared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govern.engine.assessment import Assessment
from govern.evidence.model_card import ModelCard
from govern.load.documents import load_document
from govern.load.importers import import_file
from govern.load.importers.cyclonedx import validate_bom
from govern.load.validation import load_validate
from govern.reference import load_catalogue
from govern.render.cyclonedx import declarations
from tests.conftest import CliResult, copy_example


def export(run_cli: Any, root: Path, out: Path, *extra: str) -> dict[str, Any]:
    result: CliResult = run_cli("card", "export", root, "--as-of", "2026-11-25", "-o", out, *extra)
    assert result.code == 0, result.err
    bom: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return bom


@pytest.fixture(scope="module")
def credit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example("credit-scoring", tmp_path_factory.mktemp("cdx") / "credit-scoring")


@pytest.mark.parametrize("version", ["1.7", "1.6"])
def test_a_system_exports_a_valid_bom_with_declarations(
    run_cli: Any, credit: Path, tmp_path: Path, version: str
) -> None:
    extra = () if version == "1.7" else ("--spec-version", "1.6")
    bom = export(run_cli, credit, tmp_path / "bom.json", *extra)
    assert bom["specVersion"] == version
    assert validate_bom(bom) == []
    standards = {s["bom-ref"] for s in bom["definitions"]["standards"]}
    assert standards == {"standard:eu-ai-act", "standard:iso-42001", "standard:nist-ai-rmf"}
    declared = bom["declarations"]
    assert declared["assessors"][0]["bom-ref"] == declared["attestations"][0]["assessor"]


def test_every_reference_in_the_declarations_resolves(
    run_cli: Any, credit: Path, tmp_path: Path
) -> None:
    bom = export(run_cli, credit, tmp_path / "bom.json")
    requirements = {
        r["bom-ref"]: (s["bom-ref"].removeprefix("standard:"), r["identifier"])
        for s in bom["definitions"]["standards"]
        for r in s.get("requirements", [])
    }
    for framework, identifier in requirements.values():
        assert identifier in load_catalogue(framework)
    claims = {c["bom-ref"]: c for c in bom["declarations"]["claims"]}
    evidence = {e["bom-ref"] for e in bom["declarations"]["evidence"]}
    model_ref = bom["components"][0]["bom-ref"]
    for entry in bom["declarations"]["attestations"][0]["map"]:
        assert entry["requirement"] in requirements
        assert set(entry["claims"]) <= set(claims)
        assert 0 <= entry["conformance"]["score"] <= 1
        assert 0 <= entry["confidence"]["score"] <= 1
    assert all(c["target"] == model_ref for c in claims.values())
    assert all(set(c.get("evidence", [])) <= evidence for c in claims.values())


def test_the_1_7_export_imports_back_to_the_same_card(
    run_cli: Any, credit: Path, tmp_path: Path
) -> None:
    seventeen = tmp_path / "bom-1.7.cdx.json"
    sixteen = tmp_path / "bom-1.6.cdx.json"
    export(run_cli, credit, seventeen)
    export(run_cli, credit, sixteen, "--spec-version", "1.6")
    original = load_validate(ModelCard, load_document(credit / "docs" / "model_card.yaml"))
    again = import_file(seventeen, "model_card")
    assert isinstance(again.model, ModelCard)
    assert again.model == original
    # The assessment's declarations are read past, never reported as unmapped card content.
    assert not [k for k in again.unmapped if k.startswith(("/declarations", "/definitions"))]
    assert import_file(sixteen, "model_card").model == again.model


def test_conformance_follows_the_results(chatbot: Assessment) -> None:
    body, definitions = declarations(chatbot, "model:x")
    failing = {r.rule_id for r in chatbot.results if r.status not in ("pass", "not_applicable")}
    for entry in body["attestations"][0]["map"]:
        rules = {c.removeprefix("claim:") for c in entry["claims"]}
        passed = len(rules - failing)
        assert entry["conformance"]["score"] == round(passed / len(rules), 4)
        if rules & {r.rule_id for r in chatbot.results if not r.automated}:
            assert entry["confidence"]["score"] <= 0.5
    assert definitions["standards"]
