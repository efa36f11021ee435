"""SARIF: valid against the official 2.1.0 schema and within GitHub code scanning's upload rules."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from govern.engine.assessment import Assessment
from govern.render.markdown_escape import md_text
from govern.render.sarif import LEVELS, SECURITY_SEVERITY, render
from tests.conftest import REPO
from tests.render.conftest import EXAMPLES, assess_folder, sarif_errors

REPORTED = {"fail", "error", "needs_attestation", "waived"}


def sarif(assessment: Assessment, base_path: str = "") -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(assessment, base_path=base_path))
    return log


def run_of(log: dict[str, Any]) -> dict[str, Any]:
    assert len(log["runs"]) == 1
    run: dict[str, Any] = log["runs"][0]
    return run


@pytest.mark.parametrize("example", ["support-chatbot", "credit-scoring"])
def test_examples_validate_against_the_official_schema(
    example: str, chatbot: Assessment, credit: Assessment
) -> None:
    assessment = chatbot if example == "support-chatbot" else credit
    log = sarif(assessment, f"examples/{example}")
    assert sarif_errors(log) == []
    assert log["version"] == "2.1.0"
    assert "sarif-schema-2.1.0.json" in log["$schema"]


def test_the_schema_catches_what_it_should(chatbot: Assessment) -> None:
    # The validator is only worth trusting if it rejects a broken log.
    log = sarif(chatbot)
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(sarif_errors(log)) == 2


def test_one_rule_descriptor_per_policy_rule(chatbot: Assessment) -> None:
    rules = run_of(sarif(chatbot))["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.rule_id for r in chatbot.results]
    by_id = {r.rule_id: r for r in chatbot.results}
    for rule in rules:
        result = by_id[rule["id"]]
        assert rule["shortDescription"]["text"] == result.title
        assert rule["fullDescription"]["text"]
        assert result.remediation in rule["help"]["text"]
        assert md_text(result.remediation) in rule["help"]["markdown"]
        for provisions in result.refs.values():
            for provision in provisions:
                assert provision in rule["help"]["text"]
                assert provision in rule["fullDescription"]["text"]
        props = rule["properties"]
        assert rule["defaultConfiguration"]["level"] == LEVELS[result.severity]
        assert props["security-severity"] == SECURITY_SEVERITY[result.severity]
        assert 0.0 <= float(props["security-severity"]) <= 10.0
        assert "security" in props["tags"] and len(props["tags"]) <= 20
        assert props["problem.severity"] in ("error", "warning", "recommendation")


def test_security_severity_follows_githubs_bands() -> None:
    bands = {"critical": (9.0, 10.0), "high": (7.0, 8.9), "medium": (4.0, 6.9), "low": (0.1, 3.9)}
    for severity, (low, high) in bands.items():
        assert low <= float(SECURITY_SEVERITY[severity]) <= high


def test_results_only_for_rules_that_need_work(chatbot: Assessment) -> None:
    run = run_of(sarif(chatbot))
    expected = sum(max(1, len(r.findings)) for r in chatbot.results if r.status in REPORTED)
    assert len(run["results"]) == expected > 0
    reported = {r.rule_id for r in chatbot.results if r.status in REPORTED}
    assert {r["ruleId"] for r in run["results"]} == reported


def test_levels_agree_with_the_exit_code(chatbot: Assessment) -> None:
    run = run_of(sarif(chatbot))
    gating = set(chatbot.summary.gating)
    for result in run["results"]:
        assert (result["level"] == "error") == (result["ruleId"] in gating)


def test_every_result_is_located_in_the_repository(chatbot: Assessment) -> None:
    run = run_of(sarif(chatbot, "examples/support-chatbot"))
    rules = run["tool"]["driver"]["rules"]
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        assert 1 <= len(result["locations"]) <= 10
        physical = result["locations"][0]["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert re.fullmatch(r"[A-Za-z0-9._/%-]+", artifact["uri"]), artifact["uri"]
        assert not artifact["uri"].startswith(("/", "..")) and "/../" not in artifact["uri"]
        assert (REPO / artifact["uri"]).is_file()
        assert physical["region"]["startLine"] >= 1
        assert physical["region"]["startColumn"] >= 1
    assert "%SRCROOT%" in run["originalUriBaseIds"]


def test_findings_point_at_the_evidence_line(chatbot: Assessment) -> None:
    run = run_of(sarif(chatbot, "examples/support-chatbot"))
    disclosure = next(r for r in run["results"] if r["ruleId"] == "EUAIA-50-AI-DISCLOSURE")
    physical = disclosure["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "examples/support-chatbot/docs/model_card.yaml"
    card = (EXAMPLES / "support-chatbot" / "docs" / "model_card.yaml").read_text().splitlines()
    assert card[physical["region"]["startLine"] - 1].strip().startswith("ai_disclosure:")


def test_a_result_without_findings_is_located_at_the_manifest(chatbot: Assessment) -> None:
    bare = [
        r.model_copy(update={"findings": []}) if r.status == "fail" else r for r in chatbot.results
    ]
    log = sarif(chatbot.model_copy(update={"results": bare}), "examples/support-chatbot")
    assert sarif_errors(log) == []
    for result in run_of(log)["results"]:
        if result["properties"]["status"] == "fail":
            physical = result["locations"][0]["physicalLocation"]
            assert physical["artifactLocation"]["uri"] == "examples/support-chatbot/govern.yaml"
            assert physical["region"]["startLine"] == 1


def test_fingerprints_are_unique_and_ignore_line_moves(
    chatbot: Assessment, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import shutil

    first = run_of(sarif(chatbot))["results"]
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in first]
    assert len(set(prints)) == len(prints)
    assert all(r["partialFingerprints"]["governFinding/v1"] for r in first)

    moved = tmp_path_factory.mktemp("moved") / "support-chatbot"
    shutil.copytree(EXAMPLES / "support-chatbot", moved)
    card = moved / "docs" / "model_card.yaml"
    card.write_text("# a new comment\n# and another\n" + card.read_text())
    again = run_of(sarif(assess_folder(moved)))["results"]
    assert [r["partialFingerprints"] for r in again] == [r["partialFingerprints"] for r in first]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in again]
    before = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in first]
    assert lines != before  # the findings did move


def test_waived_results_are_suppressed_with_their_justification(
    waived_chatbot: Assessment,
) -> None:
    log = sarif(waived_chatbot, "examples/support-chatbot")
    assert sarif_errors(log) == []
    results = run_of(log)["results"]
    waived = [r for r in results if r["properties"]["status"] == "waived"]
    assert {r["ruleId"] for r in waived} == {
        "EUAIA-50-AI-DISCLOSURE",
        "EUAIA-50-DISCLOSURE-TIMING",
    }
    for result in waived:
        (suppression,) = result["suppressions"]
        assert suppression["kind"] == "external" and suppression["status"] == "accepted"
        assert "approved by Head of Digital Channels" in suppression["justification"]
        where = suppression["location"]["physicalLocation"]
        assert where["artifactLocation"]["uri"] == "examples/support-chatbot/govern.yaml"
        assert where["region"]["startLine"] > 1
        assert result["level"] != "error"
    assert all("suppressions" not in r for r in results if r not in waived)


def test_default_render_is_relative_to_the_system_folder(credit: Assessment) -> None:
    run = run_of(sarif(credit))
    # Passing rules, even those with a warning (an interval straddling a threshold), get none.
    assert any(r.notes for r in credit.results)
    assert run["results"] == []
    uris = {a["location"]["uri"] for a in run["artifacts"]}
    assert "govern.yaml" in uris and "docs/model_card.yaml" in uris
    assert run["automationDetails"]["id"] == "govern/credit-risk-scorer/"


def test_same_assessment_same_bytes(chatbot: Assessment) -> None:
    assert render(chatbot) == render(chatbot)
