"""JUnit XML: parses with junitparser, and its counts are the assessment's."""

from __future__ import annotations

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from govern.engine.assessment import Assessment
from govern.render.junit import render
from tests.conftest import REPO


def parse(assessment: Assessment, base_path: str = "") -> JUnitXml:
    xml = JUnitXml.fromstring(render(assessment, base_path=base_path).encode("utf-8"))
    assert isinstance(xml, JUnitXml)
    return xml


def suites(xml: JUnitXml) -> list[TestSuite]:
    return list(xml)


def test_a_suite_per_framework_with_the_assessments_counts(chatbot: Assessment) -> None:
    xml = parse(chatbot)
    found = suites(xml)
    assert [s.name for s in found] == [f.framework for f in chatbot.summary.frameworks]
    for suite, framework in zip(found, chatbot.summary.frameworks, strict=True):
        counts = framework.counts
        assert suite.tests == framework.rules == len(list(suite))
        assert suite.failures == counts["fail"] + counts["needs_attestation"]
        assert suite.errors == counts["error"]
        assert suite.skipped == counts["not_applicable"] + counts["waived"]
    counts = chatbot.summary.counts
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (
        len(chatbot.results),
        counts["fail"] + counts["needs_attestation"],
        counts["error"],
        counts["not_applicable"] + counts["waived"],
    )


def test_a_test_case_per_rule_with_its_outcome(chatbot: Assessment) -> None:
    cases: list[TestCase] = [case for suite in suites(parse(chatbot)) for case in suite]
    # one case per rule, suites in the summary's framework order
    assert sorted(c.name.split(":")[0] for c in cases) == sorted(r.rule_id for r in chatbot.results)
    by_id = {r.rule_id: r for r in chatbot.results}
    for case in cases:
        result = by_id[case.name.split(":")[0]]
        outcome = {type(r) for r in case.result}
        if result.status in ("fail", "needs_attestation"):
            assert outcome == {Failure}
        elif result.status == "error":
            assert outcome == {Error}
        elif result.status in ("not_applicable", "waived"):
            assert outcome == {Skipped}
        else:
            assert case.is_passed


def test_failures_carry_message_and_location(chatbot: Assessment) -> None:
    cases = [case for suite in suites(parse(chatbot, "examples/support-chatbot")) for case in suite]
    failing = [c for c in cases if c.is_failure]
    counts = chatbot.summary.counts
    assert len(failing) == counts["fail"] + counts["needs_attestation"] > 0
    for case in failing:
        (failure,) = case.result
        assert failure.message and failure.type
        assert "at       examples/support-chatbot/" in failure.text
        assert "fix      " in failure.text
        file = case._elem.get("file")
        assert (REPO / file).is_file()
        assert int(case._elem.get("line")) >= 1
    disclosure = next(c for c in failing if c.name.startswith("EUAIA-50-AI-DISCLOSURE"))
    rule = next(r for r in chatbot.results if r.rule_id == "EUAIA-50-AI-DISCLOSURE")
    where = rule.findings[0].location
    expected = f"examples/support-chatbot/{where.file}:{where.line}:{where.column}"
    assert expected in disclosure.result[0].text


def test_passing_example_has_no_failures(credit: Assessment) -> None:
    xml = parse(credit)
    assert xml.failures == 0 and xml.errors == 0
    assert xml.tests == len(credit.results)


def test_waived_rules_are_skipped_with_the_waiver(waived_chatbot: Assessment) -> None:
    cases = [case for suite in suites(parse(waived_chatbot)) for case in suite]
    waived = [c for c in cases if c.name.startswith("EUAIA-50-AI-DISCLOSURE")]
    (skipped,) = waived[0].result
    assert isinstance(skipped, Skipped)
    assert "waived until 2026-12-15" in skipped.message


def test_control_characters_in_evidence_do_not_break_the_xml(chatbot: Assessment) -> None:
    results = [
        r.model_copy(update={"message": "bad\x00value\x1b[31m"}) if r.status == "fail" else r
        for r in chatbot.results
    ]
    xml = parse(chatbot.model_copy(update={"results": results}))
    assert xml.failures == parse(chatbot).failures
