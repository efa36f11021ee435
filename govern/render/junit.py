"""The assessment as JUnit XML, for CI test reports: a suite per framework, a test case per rule."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from govern.engine.assessment import Assessment, RuleResult
from govern.engine.law import legal_text
from govern.reference import FRAMEWORK_TITLES
from govern.render.display import visible_values
from govern.render.interface import FunctionRenderer
from govern.render.locations import column_of, line_of, located_findings, repo_path

# Statuses as test outcomes. A waived rule is a known failure someone accepted, so it is skipped
# like a not-applicable one rather than counted as passing.
_FAILURE = {"fail", "insufficient_evidence", "needs_attestation"}
_ERROR = {"error"}
_SKIPPED = {"not_applicable", "waived"}

# What XML 1.0 cannot carry (its Char production): most C0 controls, lone surrogates and the
# non-characters U+FFFE and U+FFFF. Evidence values may hold any of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(assessment: Assessment, *, base_path: str = "") -> str:
    """JUnit XML. `base_path` is govern.yaml's folder under the repository root, for file paths.

    Well-formed XML 1.0 whatever the evidence holds: values are shown as people should see them
    (govern.render.display), and every attribute and text node is cleaned of what XML 1.0 cannot
    carry just before serialising, so no element added later can forget it.
    """
    assessment = visible_values(assessment)
    root = ET.Element("testsuites", name=f"govern: {assessment.system.name}")
    _counts(root, assessment.results)
    for framework in assessment.summary.frameworks:
        group = [r for r in assessment.results if (r.framework or r.pack) == framework.framework]
        suite = ET.SubElement(root, "testsuite", name=framework.framework)
        _counts(suite, group)
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("title", FRAMEWORK_TITLES.get(framework.framework, framework.title)),
            ("system", assessment.system.id),
            ("system_version", assessment.system.version),
            ("as_of", assessment.options.as_of.isoformat()),
            ("fail_on", assessment.options.fail_on),
            ("calendar", assessment.options.calendar),
            (
                "legal_text",
                assessment.options.legal_text or legal_text(assessment.options.calendar),
            ),
            ("verdict", assessment.summary.verdict),
        ):
            ET.SubElement(properties, "property", name=name, value=_clean(value))
        for result in group:
            _testcase(suite, assessment, result, base_path)
    for element in root.iter():
        element.text = None if element.text is None else _clean(element.text)
        for key, value in list(element.attrib.items()):
            element.set(key, _clean(value))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _counts(element: ET.Element, results: list[RuleResult]) -> None:
    counts: Counter[str] = Counter(r.status for r in results)
    element.set("tests", str(len(results)))
    element.set("failures", str(sum(counts[s] for s in _FAILURE)))
    element.set("errors", str(sum(counts[s] for s in _ERROR)))
    element.set("skipped", str(sum(counts[s] for s in _SKIPPED)))
    element.set("time", "0")


def _testcase(
    suite: ET.Element, assessment: Assessment, result: RuleResult, base_path: str
) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=_clean(f"{result.rule_id}: {result.title}"),
        classname=_clean(result.pack),
        time="0",
    )
    if result.status in _FAILURE | _ERROR | {"waived"}:
        location = located_findings(assessment, result)[0][0]
        case.set("file", repo_path(location.file, base_path))
        case.set("line", str(line_of(location)))
    if result.status in _FAILURE | _ERROR:
        tag = "failure" if result.status in _FAILURE else "error"
        outcome = ET.SubElement(
            case, tag, message=_clean(result.message), type=f"{result.status}/{result.severity}"
        )
        outcome.text = _clean(_details(assessment, result, base_path))
    elif result.status in _SKIPPED:
        ET.SubElement(case, "skipped", message=_clean(f"{result.status}: {result.message}"))
    if result.notes:
        out = ET.SubElement(case, "system-out")
        out.text = _clean(
            "\n".join(
                f"warning: {n.found} at {_where(n.location.file, n.location.line, base_path)} "
                f"({n.location.field})"
                for n in result.notes
            )
        )


def _details(assessment: Assessment, result: RuleResult, base_path: str) -> str:
    lines = []
    for location, finding in located_findings(assessment, result):
        where = f"{repo_path(location.file, base_path)}:{line_of(location)}:{column_of(location)}"
        if finding is None:
            lines.append(f"at       {where}")
            continue
        lines += [
            f"expected {finding.expected}",
            f"found    {finding.found}",
            f"at       {where} ({location.field})",
        ]
    refs = "; ".join(f"{FRAMEWORK_TITLES.get(k, k)} {', '.join(v)}" for k, v in result.refs.items())
    lines += [
        f"fix      {result.remediation}",
        f"refs     {refs}",
        f"severity {result.severity}{', blocking' if result.blocking else ''}",
        f"gate     {'fails the run' if result.gating else 'does not fail the run'}",
    ]
    return "\n".join(lines)


def _where(file: str, line: int, base_path: str) -> str:
    return f"{repo_path(file, base_path)}:{max(line, 1)}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


RENDERER = FunctionRenderer(
    "junit",
    "application/xml",
    lambda assessment, options: render(assessment, base_path=options.base_path),
)
