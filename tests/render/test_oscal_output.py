"""OSCAL: assessment results, catalogs and profiles that compliance-trestle's OSCAL models accept.

trestle's models are generated from NIST's official OSCAL JSON schemas (extra fields forbidden,
every pattern kept), so a document they load is valid OSCAL and loads in trestle-based tools.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from trestle.oscal.assessment_results import Model as AssessmentResultsModel
from trestle.oscal.catalog import Model as CatalogModel
from trestle.oscal.profile import Model as ProfileModel

from govern.engine.assessment import Assessment
from govern.reference import FRAMEWORKS, load_catalogue
from govern.render.oscal import NOT_SATISFIED, render
from tests.conftest import CliResult, copy_example
from tests.render.conftest import EXAMPLES, assess_folder


def results_of(assessment: Assessment) -> dict[str, Any]:
    document = json.loads(render(assessment))
    AssessmentResultsModel.model_validate(document)
    (result,) = document["assessment-results"]["results"]
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize("example", ["support-chatbot", "credit-scoring"])
def test_examples_are_valid_oscal_assessment_results(
    example: str, chatbot: Assessment, credit: Assessment
) -> None:
    assessment = chatbot if example == "support-chatbot" else credit
    result = results_of(assessment)
    assert result["start"] == "2026-11-25T00:00:00Z"


def test_trestle_rejects_a_broken_document(chatbot: Assessment) -> None:
    # The validator is only worth trusting if it refuses what the schema refuses.
    document = json.loads(render(chatbot))
    document["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "ok"
    with pytest.raises(ValueError, match="state"):
        AssessmentResultsModel.model_validate(document)


def test_the_failing_example_lists_exactly_its_failing_controls(chatbot: Assessment) -> None:
    result = results_of(chatbot)
    failing = {r.rule_id for r in chatbot.results if r.status in NOT_SATISFIED}
    assert {r.rule_id for r in chatbot.results if r.status == "fail"} <= failing
    not_satisfied = {
        f["target"]["target-id"]
        for f in result["findings"]
        if f["target"]["status"]["state"] == "not-satisfied"
    }
    assert not_satisfied == failing
    risks = {r["uuid"] for r in result["risks"]}
    linked = {
        f["target"]["target-id"]
        for f in result["findings"]
        if {r["risk-uuid"] for r in f.get("related-risks", [])} & risks
    }
    assert linked == failing
    assert len(result["risks"]) == len(failing)


def test_the_passing_example_has_no_risk(credit: Assessment) -> None:
    assert credit.summary.verdict == "pass"
    result = results_of(credit)
    blocking = {r.rule_id for r in credit.results if r.status in NOT_SATISFIED}
    assert len(result.get("risks", [])) == len(blocking)
    assert all(
        f["target"]["status"]["state"] == "satisfied"
        for f in result["findings"]
        if f["target"]["target-id"] not in blocking
    )


def test_findings_carry_the_rules_provision_ids(chatbot: Assessment) -> None:
    result = results_of(chatbot)
    by_rule = {r.rule_id: r for r in chatbot.results}
    catalogues = {f: load_catalogue(f) for f in FRAMEWORKS}
    for finding in result["findings"]:
        rule = by_rule[finding["target"]["target-id"]]
        provisions = {
            (p["class"], p["value"]) for p in finding["props"] if p["name"] == "provision"
        }
        assert provisions == {(f, ref) for f, refs in rule.refs.items() for ref in refs}
        assert all(ref in catalogues[f] for f, ref in provisions)


def test_evidence_links_are_relative_paths_with_their_sha256(chatbot: Assessment) -> None:
    document = json.loads(render(chatbot))
    resources = {r["uuid"]: r for r in document["assessment-results"]["back-matter"]["resources"]}
    (result,) = document["assessment-results"]["results"]
    links = [e for o in result["observations"] for e in o.get("relevant-evidence", [])]
    assert links
    for link in links:
        path = EXAMPLES / "support-chatbot" / link["href"]
        assert not Path(link["href"]).is_absolute() and path.is_file()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        resource = resources[link["links"][0]["href"].removeprefix("#")]
        assert resource["rlinks"][0]["hashes"] == [{"algorithm": "SHA-256", "value": digest}]


def test_identical_runs_give_identical_bytes(chatbot: Assessment) -> None:
    again = assess_folder(EXAMPLES / "support-chatbot")
    assert render(again) == render(chatbot)
    uuids = [
        value
        for value in _walk(json.loads(render(chatbot)))
        if isinstance(value, tuple) and value[0] == "uuid"
    ]
    assert len(uuids) == len(set(uuids))


def test_another_as_of_date_gives_other_uuids(chatbot: Assessment) -> None:
    import datetime as dt

    later = assess_folder(EXAMPLES / "support-chatbot", dt.date(2026, 12, 1))
    first = json.loads(render(chatbot))["assessment-results"]["uuid"]
    assert json.loads(render(later))["assessment-results"]["uuid"] != first


def _walk(node: Any) -> list[Any]:
    found: list[Any] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "uuid":
                found.append(("uuid", value))
            found.extend(_walk(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_walk(item))
    return found


def test_check_writes_oscal(tmp_path: Path, run_cli: Any) -> None:
    root = copy_example("support-chatbot", tmp_path / "chatbot")
    out = tmp_path / "ar.json"
    result: CliResult = run_cli("check", root, "--as-of", "2026-11-25", "-o", f"oscal={out}")
    assert result.code == 1
    AssessmentResultsModel.model_validate(json.loads(out.read_text(encoding="utf-8")))


def test_policies_export_writes_catalogs_and_profiles(tmp_path: Path, run_cli: Any) -> None:
    result: CliResult = run_cli("policies", "export", "--oscal", tmp_path / "oscal")
    assert result.code == 0, result.err
    names = sorted(p.name for p in (tmp_path / "oscal").iterdir())
    assert names == sorted(
        [f"{f}.catalog.json" for f in FRAMEWORKS] + [f"{f}.profile.json" for f in FRAMEWORKS]
    )
    controls: dict[str, set[str]] = {}
    for framework in FRAMEWORKS:
        text = (tmp_path / "oscal" / f"{framework}.catalog.json").read_text(encoding="utf-8")
        catalog = CatalogModel.model_validate(json.loads(text)).catalog
        controls[f"{framework}.catalog.json"] = {c.id for c in catalog.controls or []}
        catalogue = load_catalogue(framework)
        for control in catalog.controls or []:
            for p in control.props or []:
                if p.name == "provision" and p.class_ == framework:
                    assert p.value in catalogue
    for framework in FRAMEWORKS:
        text = (tmp_path / "oscal" / f"{framework}.profile.json").read_text(encoding="utf-8")
        profile = ProfileModel.model_validate(json.loads(text)).profile
        for imported in profile.imports:
            for selection in imported.include_controls or []:
                assert set(selection.with_ids or []) <= controls[imported.href]


def test_report_writes_oscal_beside_the_report(tmp_path: Path, run_cli: Any) -> None:
    root = copy_example("support-chatbot", tmp_path / "chatbot")
    out = tmp_path / "out"
    result: CliResult = run_cli(
        "report",
        root,
        "--as-of",
        "2026-11-25",
        "--json",
        out / "a.json",
        "-o",
        f"oscal={out / 'a.oscal.json'}",
    )
    assert result.code == 0, result.err
    document = json.loads((out / "a.oscal.json").read_text(encoding="utf-8"))
    AssessmentResultsModel.model_validate(document)
    refused: CliResult = run_cli("report", root, "--json", out / "b.json", "-o", "oscal")
    assert refused.code == 2 and "oscal=PATH" in refused.err
