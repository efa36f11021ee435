"""The assessment as SARIF 2.1.0 for code scanning: a rule per policy rule, results in evidence."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import quote

from govern.engine.assessment import Assessment, Finding, Location, RuleResult
from govern.engine.baseline import fingerprint
from govern.engine.law import CALENDAR_NOTES, applied_basis, legal_text
from govern.reference import FRAMEWORK_TITLES
from govern.render.interface import FunctionRenderer
from govern.render.locations import (
    REPORTED_STATUSES,
    column_of,
    line_of,
    located_findings,
    repo_path,
)
from govern.render.markdown_escape import md_text

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"

# A rule's own level follows its severity; GitHub shows security-severity as Critical (>= 9.0),
# High (7.0-8.9), Medium (4.0-6.9) and Low (< 4.0), which is govern's own scale.
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def render(assessment: Assessment, *, base_path: str = "") -> str:
    """SARIF log of one run. `base_path` is govern.yaml's folder under the repository root.

    Every artifact URI is relative to the repository root (`%SRCROOT%`), which is how GitHub code
    scanning places results in files.
    """
    rules = [_descriptor(result) for result in assessment.results]
    index = {result.rule_id: i for i, result in enumerate(assessment.results)}
    results: list[dict[str, Any]] = []
    seen: Counter[str] = Counter()
    for result in assessment.results:
        results.extend(_results(assessment, result, index[result.rule_id], base_path, seen))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "govern",
                "version": assessment.tool.version,
                "semanticVersion": assessment.tool.version,
                "rules": rules,
            }
        },
        # A category per system, so two systems in one repository do not close each other's alerts.
        "automationDetails": {"id": f"govern/{assessment.system.id}/"},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The repository root."}}},
        "artifacts": [
            {
                "location": _artifact(record.path, base_path),
                "hashes": {"sha-256": record.sha256},
                "length": record.bytes,
                "roles": ["analysisTarget"],
            }
            for record in [assessment.manifest, *assessment.evidence]
        ],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "system": assessment.system.id,
            "asOf": assessment.options.as_of.isoformat(),
            "failOn": assessment.options.fail_on,
            "calendar": assessment.options.calendar,
            "legalText": assessment.options.legal_text or legal_text(assessment.options.calendar),
            "calendarNote": CALENDAR_NOTES[assessment.options.calendar],
            "verdict": assessment.summary.verdict,
            "gating": list(assessment.summary.gating),
            "counts": dict(assessment.summary.counts),
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _descriptor(result: RuleResult) -> dict[str, Any]:
    refs = _refs_text(result.refs)
    help_text = f"{result.remediation}\n\nReferences: {refs or 'none'}.\n" + _rule_facts(result)
    # GitHub renders help.markdown: pack text goes through the one Markdown escape.
    help_markdown = (
        f"{md_text(result.remediation)}\n\n**References:** {md_text(refs or 'none')}\n\n"
        + "\n".join(f"- {md_text(line)}" for line in _rule_facts(result).splitlines())
    )
    level = LEVELS[result.severity]
    return {
        "id": result.rule_id,
        "shortDescription": {"text": result.title},
        "fullDescription": {"text": f"{result.title} ({refs})." if refs else f"{result.title}."},
        "defaultConfiguration": {"level": level},
        "help": {"text": help_text, "markdown": help_markdown},
        "properties": {
            # GitHub reads security-severity for rules it treats as security rules, which the
            # "security" tag marks; without it, alerts show only as error, warning or note.
            "tags": ["security", "compliance", *_frameworks(result)],
            "precision": "very-high",
            "security-severity": SECURITY_SEVERITY[result.severity],
            "problem.severity": PROBLEM_SEVERITY[level],
            "severity": result.severity,
            "blocking": result.blocking,
            "pack": result.pack,
            "framework": result.framework,
            "refs": result.refs,
            "ruleFile": result.rule_file,
            "ruleLine": result.rule_line,
        },
    }


def _frameworks(result: RuleResult) -> list[str]:
    names = [result.framework] if result.framework else []
    return list(dict.fromkeys([*names, *result.refs]))


def _refs_text(refs: dict[str, list[str]]) -> str:
    return "; ".join(f"{FRAMEWORK_TITLES.get(k, k)} {', '.join(v)}" for k, v in refs.items() if v)


def _rule_facts(result: RuleResult) -> str:
    effective = ""
    if result.effective is not None:
        effective = (
            f"Applies from: {result.effective.applies_from} ({applied_basis(result.effective)})\n"
        )
    return (
        f"Severity: {result.severity}{', blocking' if result.blocking else ', not blocking'}\n"
        f"Pack: {result.pack} ({result.rule_file}:{result.rule_line})\n" + effective
    )


def _results(
    assessment: Assessment,
    result: RuleResult,
    rule_index: int,
    base_path: str,
    seen: Counter[str],
) -> list[dict[str, Any]]:
    # A passing rule's warnings (an interval straddling its threshold) are not results: GitHub
    # would show them with the rule's security-severity and block merges on a rule that holds.
    if result.status not in REPORTED_STATUSES:
        return []
    level = _level(result)
    return [
        _result(result, rule_index, level, location, finding, base_path, seen)
        | _suppression(assessment, result, base_path)
        for location, finding in located_findings(assessment, result)
    ]


def _level(result: RuleResult) -> str:
    """Error exactly when the result fails the run: the errors are the reasons for exit code 1."""
    if result.gating:
        return "error"
    return "note" if LEVELS[result.severity] == "note" else "warning"


def _result(
    result: RuleResult,
    rule_index: int,
    level: str,
    location: Location,
    finding: Finding | None,
    base_path: str,
    seen: Counter[str],
) -> dict[str, Any]:
    identity = fingerprint(result.rule_id, finding)
    seen[identity] += 1
    properties: dict[str, Any] = {
        "status": result.status,
        "severity": result.severity,
        "blocking": result.blocking,
        "gating": result.gating,
    }
    if finding is not None:
        properties |= {
            "field": finding.location.field,
            "expected": finding.expected,
            "found": finding.found,
        }
    levels = [a.assurance for a in result.attestations if a.assurance is not None]
    if levels:
        # signed, recorded or invalid: a code-scanning reader sees which kind of statement it is.
        properties["assurance"] = levels[0]
    return {
        "ruleId": result.rule_id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": _message(result, finding)},
        "locations": [_location(location, base_path)],
        # GitHub matches alerts across runs by primaryLocationLineHash and computes one from the
        # line's text when none is given; ours leaves lines out (see
        # govern.engine.baseline.fingerprint), so filling in a neighbouring field does not close
        # the alert and open a new one.
        "partialFingerprints": {
            "primaryLocationLineHash": f"{identity[:16]}:{seen[identity]}",
            "governFinding/v1": identity,
        },
        "properties": properties,
    }


def _message(result: RuleResult, finding: Finding | None) -> str:
    if finding is None:
        text = f"{result.title}: {result.message}"
    else:
        text = f"{result.title}: expected {finding.expected}; found {finding.found}" + (
            f" ({finding.location.field})" if finding.location.field else ""
        )
    if result.status == "waived" and result.waiver is not None:
        text += f". Waived until {result.waiver.expires} by {result.waiver.approved_by}."
    elif result.status != "waived":
        text += f". Fix: {result.remediation}"
    return text


def _suppression(assessment: Assessment, result: RuleResult, base_path: str) -> dict[str, Any]:
    waiver = result.waiver
    if result.status != "waived" or waiver is None:
        return {}
    manifest = Location(
        file=assessment.manifest.path, line=max(waiver.manifest_line, 1), column=1, field="waivers"
    )
    return {
        "suppressions": [
            {
                "kind": "external",
                "status": "accepted",
                "justification": (
                    f"{waiver.reason} (approved by {waiver.approved_by}, expires {waiver.expires})"
                ),
                "location": _location(manifest, base_path),
            }
        ]
    }


def _location(location: Location, base_path: str) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": _artifact(location.file, base_path),
        "region": {"startLine": line_of(location), "startColumn": column_of(location)},
    }
    out: dict[str, Any] = {"physicalLocation": physical}
    if location.field:
        out["message"] = {"text": location.field}
    return out


def _artifact(file: str, base_path: str) -> dict[str, Any]:
    path = repo_path(file, base_path)
    if path.startswith("/"):
        return {"uri": "file://" + quote(path)}
    return {"uri": quote(path), "uriBaseId": SRCROOT}


RENDERER = FunctionRenderer(
    "sarif",
    "application/sarif+json",
    lambda assessment, options: render(assessment, base_path=options.base_path),
)
