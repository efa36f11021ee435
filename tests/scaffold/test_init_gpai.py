"""`govern init --gpai`: a GPAI provider's three documents, checked by the EU pack and card lint."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

AS_OF = "2026-12-06"
MDF_RULES = (
    "EUAIA-53-MDF-IDENTITY",
    "EUAIA-53-MDF-PROPERTIES",
    "EUAIA-53-MDF-TRAINING-DATA",
    "EUAIA-53-MDF-COMPUTE-ENERGY",
    "EUAIA-53-MDF-USES-DISTRIBUTION",
)
DOCUMENT_RULES = (*MDF_RULES, "EUAIA-53-COPYRIGHT-POLICY", "EUAIA-53-TRAINING-CONTENT-SUMMARY")

MODEL_DOCUMENTATION = {
    "schema_version": 1,
    "provider": {"legal_name": "Aurora Labs SAS", "contact": "ai-office@aurora.example"},
    "model": {
        "name": "Aurora 7B",
        "version": "1.2.0",
        "release_date": "2026-10-01",
        "authenticity_sha256": "ab" * 32,
    },
    "architecture": {"family": "decoder-only transformer", "parameters": 7_000_000_000},
    "modalities": {"input": ["text"], "output": ["text"]},
    "io_limits": {"max_input_tokens": 32768},
    "training_process": "Pre-training on filtered web text, then supervised fine-tuning.",
    "training_data": {
        "data_types": ["web text", "code"],
        "provenance": "Crawled public web pages and licensed code archives.",
        "acquisition_and_selection": "Crawled with AuroraBot honouring robots.txt; deduplicated.",
        "data_points": "about 2 trillion tokens",
        "processing": "Language identification, quality filtering, PII scrubbing.",
        "unsuitable_data_measures": "Blocklists of illegal-content domains; CSAM hash matching.",
        "bias_detection_measures": "Representation audits of languages and dialects.",
    },
    "compute": {
        "training_flops": 8.4e22,
        "training_time": "21 days",
        "measurement_method": "6 x parameters x tokens",
    },
    "energy": {"energy_kwh": 310000, "known_or_estimated": "estimated"},
    "uses": {
        "intended": ["text generation", "summarisation"],
        "restricted": ["biometric identification"],
        "acceptable_use_policy": "https://aurora.example/aup",
        "integration_systems": ["chat assistants"],
        "integration_means": "HTTPS API and downloadable weights (safetensors).",
    },
    "distribution": {"channels": ["API", "weights download"], "licence": "Apache-2.0"},
}
SUMMARY = {
    "schema_version": 1,
    "general": {
        "provider": "Aurora Labs SAS",
        "model_name": "Aurora 7B",
        "modalities": ["text"],
        "training_data_size": "1-10 trillion tokens",
    },
    "sources": {"scraped": {"used": False}},
    "processing": {
        "tdm_opt_out_measures": "robots.txt and TDMRep honoured by the crawler.",
        "illegal_content_removal": "Blocklists and classifiers before training.",
    },
    "published_at": "https://aurora.example/training-summary",
}
COPYRIGHT = {
    "schema_version": 1,
    "policy": "https://aurora.example/copyright",
    "responsible": "Head of Legal",
    "tdm_opt_out_compliance": "The crawler reads robots.txt and TDMRep before every fetch.",
    "lawful_access": "No paywall or access-control circumvention.",
    "complaint_contact": "copyright@aurora.example",
}


@pytest.fixture
def model(run_cli: Callable[..., Any], tmp_path: Path) -> Path:
    target = tmp_path / "aurora"
    result = run_cli("init", target, "--no-input", "--gpai")
    assert result.code == 0, result.err
    return target


def _statuses(run_cli: Callable[..., Any], target: Path) -> dict[str, dict[str, Any]]:
    result = run_cli("check", target, "--as-of", AS_OF, "--format", "json")
    assert result.code in (0, 1), result.err
    return {r["rule_id"]: r for r in json.loads(result.out)["results"]}


def _fill(target: Path) -> None:
    docs = {
        "docs/model_documentation.yaml": MODEL_DOCUMENTATION,
        "docs/training_content_summary.yaml": SUMMARY,
        "governance/copyright_policy.yaml": COPYRIGHT,
    }
    for path, data in docs.items():
        (target / path).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    card = yaml.safe_load((target / "docs/model_card.yaml").read_text(encoding="utf-8"))
    card["gpai"] = {
        "copyright_policy": COPYRIGHT["policy"],
        "training_content_summary": "https://aurora.example/training-summary",
        "acceptable_use_policy": "https://aurora.example/aup",
    }
    (target / "docs/model_card.yaml").write_text(yaml.safe_dump(card), encoding="utf-8")
    record = yaml.safe_load((target / "docs/data/training.yaml").read_text(encoding="utf-8"))
    record["rights"]["tdm_opt_out_respected"] = True
    (target / "docs/data/training.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")


def test_gpai_scaffold_writes_and_lists_the_three_documents(model: Path) -> None:
    from govern.load.bundle import load_system

    manifest = yaml.safe_load((model / "govern.yaml").read_text(encoding="utf-8"))
    assert manifest["classification"]["gpai"] is True
    assert manifest["evidence"]["gpai"] == {
        "model_documentation": "docs/model_documentation.yaml",
        "training_content_summary": "docs/training_content_summary.yaml",
        "copyright_policy": "governance/copyright_policy.yaml",
    }
    bundle = load_system(model)
    assert sorted(bundle.gpai) == [
        "copyright_policy",
        "model_documentation",
        "training_content_summary",
    ]
    assert {item.path for item in bundle.gpai.values()} <= {i.path for i in bundle.files}


def test_every_blocking_gap_of_a_gpai_scaffold_is_marked_todo(
    run_cli: Callable[..., Any], model: Path
) -> None:
    """What `card lint` blocks on for a GPAI provider is there to fill, marked TODO in place."""
    result = run_cli("card", "lint", model, "--format", "json")
    assert result.code == 1, result.err
    gaps = [g for g in json.loads(result.out)["gaps"] if g["blocking"]]
    files = {g["file"] for g in gaps if g["path"].startswith("gpai.")}
    assert files == {
        "docs/model_documentation.yaml",
        "docs/training_content_summary.yaml",
        "governance/copyright_policy.yaml",
    }
    named = {g["path"] for g in gaps}
    assert "gpai.model_documentation.model.authenticity_sha256" in named
    assert "gpai.copyright_policy.tdm_opt_out_compliance" in named
    assert "gpai.training_content_summary.sources.scraped.used" in named
    unmarked = []
    for gap in gaps:
        lines = (model / gap["file"]).read_text(encoding="utf-8").splitlines()
        line = lines[gap["line"] - 1] if gap["line"] else ""
        key = gap["path"].rsplit(".", 1)[-1].split("[")[0]
        if not (key in line and "TODO" in line):
            unmarked.append(f"{gap['file']}:{gap['line']} {gap['path']} ({gap['found']})")
    assert not unmarked, "\n".join(unmarked)


def test_unfilled_documents_fail_the_gpai_rules_where_the_todo_is(
    run_cli: Callable[..., Any], model: Path
) -> None:
    results = _statuses(run_cli, model)
    for rule in DOCUMENT_RULES:
        assert results[rule]["status"] == "fail", rule
    hash_finding = [
        f
        for f in results["EUAIA-53-MDF-IDENTITY"]["findings"]
        if f["location"]["field"].endswith("authenticity_sha256")
    ]
    assert hash_finding[0]["location"]["file"] == "docs/model_documentation.yaml"
    assert hash_finding[0]["location"]["line"] > 1


def test_filled_documents_pass_the_gpai_rules(run_cli: Callable[..., Any], model: Path) -> None:
    _fill(model)
    results = _statuses(run_cli, model)
    for rule in DOCUMENT_RULES:
        assert results[rule]["status"] == "pass", (rule, results[rule]["message"])
    lint = json.loads(run_cli("card", "lint", model, "--format", "json").out)
    assert not [g for g in lint["gaps"] if g["path"].startswith("gpai.")]


def test_scraped_content_needs_its_crawlers_and_domains(
    run_cli: Callable[..., Any], model: Path
) -> None:
    _fill(model)
    summary = {**SUMMARY, "sources": {"scraped": {"used": True, "crawlers": ["AuroraBot"]}}}
    path = model / "docs/training_content_summary.yaml"
    path.write_text(yaml.safe_dump(summary), encoding="utf-8")
    result = _statuses(run_cli, model)["EUAIA-53-TRAINING-CONTENT-SUMMARY"]
    assert result["status"] == "fail"
    assert any("top_domains" in f["location"]["field"] for f in result["findings"])


def test_a_gpai_provider_without_the_documents_is_told_where_to_list_them(
    run_cli: Callable[..., Any], model: Path
) -> None:
    manifest = yaml.safe_load((model / "govern.yaml").read_text(encoding="utf-8"))
    del manifest["evidence"]["gpai"]
    (model / "govern.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    finding = _statuses(run_cli, model)["EUAIA-53-MDF-IDENTITY"]["findings"][0]
    assert finding["location"]["file"] == "govern.yaml"
    assert "lists no Model Documentation Form" in finding["found"]
    assert "evidence.gpai.model_documentation" in finding["found"]


def test_a_gpai_document_that_is_not_there_is_bad_input(
    run_cli: Callable[..., Any], model: Path
) -> None:
    (model / "governance/copyright_policy.yaml").unlink()
    result = run_cli("check", model, "--as-of", AS_OF)
    assert result.code == 2
    assert "copyright_policy.yaml" in result.err and "Traceback" not in result.err


def test_a_misspelt_field_in_a_gpai_document_names_its_line(
    run_cli: Callable[..., Any], model: Path
) -> None:
    path = model / "docs/model_documentation.yaml"
    path.write_text("schema_version: 1\nmodel:\n  authenticity_sha265: abc\n", encoding="utf-8")
    result = run_cli("check", model, "--as-of", AS_OF)
    assert result.code == 2
    assert "docs/model_documentation.yaml:3" in result.err, result.err


def test_a_gpai_document_outside_the_system_folder_is_refused(
    run_cli: Callable[..., Any], model: Path
) -> None:
    manifest = model / "govern.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace("copyright_policy: governance/", "copyright_policy: ../../"), encoding="utf-8"
    )
    result = run_cli("check", model, "--as-of", AS_OF)
    assert result.code == 2
    assert (
        "evidence.gpai.copyright_policy" in result.err and "leaves the system folder" in result.err
    )
