"""CycloneDX 1.7 and 1.6 export: schema-valid, fairness as fairness assessments, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govern.evidence.dataset import DatasetRecord
from govern.evidence.fairness import FairnessReport
from govern.evidence.model_card import ModelCard
from govern.load.documents import load_document
from govern.load.importers import import_file
from govern.load.importers.cyclonedx import export_bom, validate_bom
from govern.load.validation import load_validate

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "credit-scoring"
CORPUS_BOM = (
    REPO.parent / "shared" / "corpus" / "model_cards" / "cyclonedx_valid-machine-learning-1.6.json"
)


def example() -> tuple[ModelCard, list[DatasetRecord], list[FairnessReport]]:
    card = load_validate(ModelCard, load_document(EXAMPLE / "docs" / "model_card.yaml"))
    records = [
        load_validate(DatasetRecord, load_document(path))
        for path in sorted((EXAMPLE / "docs" / "data").glob("*.yaml"))
    ]
    reports = [load_validate(FairnessReport, load_document(EXAMPLE / "reports" / "fairness.json"))]
    return card, records, reports


def reimport(bom: dict[str, object], tmp_path: Path) -> tuple[ModelCard, dict[str, object]]:
    path = tmp_path / "bom.cdx.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    result = import_file(path, "model_card")
    assert isinstance(result.model, ModelCard)
    return result.model, result.unmapped


@pytest.mark.parametrize("version", ["1.6", "1.7"])
def test_the_validator_has_each_schema_and_rejects_bad_boms(version: str) -> None:
    assert validate_bom({"bomFormat": "CycloneDX", "specVersion": version}) == []
    problems = validate_bom({"bomFormat": "CycloneDX", "specVersion": version, "components": [{}]})
    assert problems and "required" in problems[0]


def test_the_validator_uses_the_version_the_bom_names() -> None:
    # 1.7 added component fields 1.6 does not know; the strict 1.6 schema refuses them.
    component = {"type": "library", "name": "x", "isExternal": True}
    assert (
        validate_bom({"bomFormat": "CycloneDX", "specVersion": "1.7", "components": [component]})
        == []
    )
    assert validate_bom({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [component]})


@pytest.mark.shared
def test_corpus_bom_round_trip_keeps_values(tmp_path: Path) -> None:
    first = import_file(CORPUS_BOM, "model_card").model
    assert isinstance(first, ModelCard)
    bom = export_bom(first, tool_version="test")
    assert validate_bom(bom) == []
    again, unmapped = reimport(bom, tmp_path)
    assert again == first
    assert unmapped == {}
    considerations = bom["components"][0]["modelCard"]["considerations"]
    assert considerations["useCases"][-1] == "Text-to-image generation for creative applications"
    assert considerations["fairnessAssessments"][0]["groupAtRisk"].startswith("The groups")


@pytest.mark.parametrize("version", ["1.6", "1.7"])
def test_example_card_exports_valid_and_comes_back_unchanged(tmp_path: Path, version: str) -> None:
    card, records, reports = example()
    bom = export_bom(card, records, reports, tool_version="0.1.0", spec_version=version)
    assert validate_bom(bom) == []
    assert bom["specVersion"] == version
    assert bom["$schema"] == f"http://cyclonedx.org/schema/bom-{version}.schema.json"
    again, _ = reimport(bom, tmp_path)
    assert again == card


def test_export_writes_1_7_unless_asked() -> None:
    card, records, reports = example()
    assert export_bom(card, records, reports)["specVersion"] == "1.7"


def test_fairness_results_become_fairness_assessments(tmp_path: Path) -> None:
    card, records, reports = example()
    bom = export_bom(card, records, reports)
    model_card = bom["components"][0]["modelCard"]
    assessments = model_card["considerations"]["fairnessAssessments"]
    groups = {a["groupAtRisk"] for a in assessments}
    report = reports[0]
    for feature in report.features:
        for group in feature.groups:
            assert f"{feature.name}={group.group}" in groups
    feature = report.features[0]
    group = feature.groups[0]
    rate = group.metrics["selection_rate"]
    overall = report.overall["selection_rate"].value
    assert rate.value is not None and overall is not None
    stated = next(a for a in assessments if a["groupAtRisk"] == f"{feature.name}={group.group}")
    assert f"selection_rate {rate.value:.4g} (overall {overall:.4g})" in stated["harms"]
    disparity = next(a for a in assessments if a["groupAtRisk"].startswith(f"{feature.name}: "))
    assert "demographic_parity_ratio between groups" in disparity["harms"]
    sliced = [m for m in model_card["quantitativeAnalysis"]["performanceMetrics"] if m.get("slice")]
    selection = next(
        m
        for m in sliced
        if m["slice"] == f"{feature.name}={group.group}" and m["type"] == "selection_rate"
    )
    assert float(selection["value"]) == rate.value
    if rate.ci is not None:
        assert float(selection["confidenceInterval"]["lowerBound"]) == rate.ci.lower


def test_datasets_become_data_components_with_hashes() -> None:
    card, records, _ = example()
    bom = export_bom(card, records)
    data = [c for c in bom["components"] if c["type"] == "data"]
    assert [c["name"] for c in data] == [ref.id for ref in card.datasets]
    training = data[0]
    assert training["hashes"] == [{"alg": "SHA-256", "content": card.datasets[0].sha256}]
    assert {"name": "govern:dataset-role", "value": "training"} in training["properties"]
    assert "financial situation" in " ".join(training["data"][0]["sensitiveData"])
    refs = bom["components"][0]["modelCard"]["modelParameters"]["datasets"]
    assert [r["ref"] for r in refs] == [c["bom-ref"] for c in data]


def test_only_sections_cyclonedx_cannot_carry_travel_as_properties() -> None:
    card, _, _ = example()
    bom = export_bom(card)
    names = {p["name"] for p in bom["components"][0]["modelCard"]["properties"]}
    assert "govern:human_oversight" in names and "govern:logging" in names
    assert "govern:licence" not in names  # carried by the component's licenses
    assert "govern:datasets" not in names  # carried by data components


def test_export_is_deterministic() -> None:
    card, records, reports = example()
    first = export_bom(card, records, reports, "1")
    assert first == export_bom(card, records, reports, "1")
    assert first["serialNumber"].startswith("urn:uuid:")


def test_values_added_to_an_exported_bom_are_kept_not_overwritten(tmp_path: Path) -> None:
    card, records, reports = example()
    bom = export_bom(card, records, reports)
    considerations = bom["components"][0]["modelCard"]["considerations"]
    considerations["technicalLimitations"].append("Not validated for self-employed applicants")
    path = tmp_path / "edited.cdx.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    result = import_file(path, "model_card")
    again = result.model
    assert isinstance(again, ModelCard)
    # The govern:limitations property stands for the section; the edit did not vanish silently.
    assert again.limitations == card.limitations
    added = [k for k in result.unmapped if k.startswith("/components/0/modelCard/considerations/")]
    edited = "/components/0/modelCard/considerations/technicalLimitations/"
    assert any(k.startswith(edited) for k in added)
    assert any("govern:limitations" in w and "kept as unmapped" in w for w in result.warnings)
    # Fairness results in the BOM have no place in the card either: kept, listed.
    assert any("fairnessAssessments" in k for k in added)
