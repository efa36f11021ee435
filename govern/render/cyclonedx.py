"""An assessment as CycloneDX attestations: `declarations` and `definitions.standards` for a BOM.

CycloneDX (1.6 and later) states compliance as a standard's requirements, claims about a target
and the evidence behind them, and attestations by an assessor that map each requirement to its
claims with a conformance score and a confidence. govern fills them from one Assessment: the
requirements are the provisions its rules reference (by the reference catalogues' ids), a claim
is one rule's result about the model, its evidence the files the rule read.

Scores: conformance is the share of the requirement's rules that passed (waived, failed,
unattested and unestimable results count as not conforming). Confidence is 1 when every rule was
checked automatically against evidence files, 0.5 when one rests on a person's attestation, and
0 when one had no usable evidence (error, insufficient_evidence): never a claim of certainty the
evidence does not carry.
"""

from __future__ import annotations

from typing import Any

from govern.engine.assessment import Assessment, RuleResult
from govern.reference import FRAMEWORK_TITLES, load_catalogue

Json = dict[str, Any]
ASSESSOR_REF = "assessor:govern"
_NO_EVIDENCE = ("error", "insufficient_evidence")


def declarations(assessment: Assessment, target_ref: str) -> tuple[Json, Json]:
    """The BOM's `declarations` and `definitions` for `assessment`, about component `target_ref`."""
    assessed = [r for r in assessment.results if r.status != "not_applicable"]
    evidence = _evidence(assessment)
    claims = [_claim(r, target_ref, evidence) for r in assessed]
    requirements = _requirements(assessed)
    summary = (
        f"govern assessment of {assessment.system.name} {assessment.system.version} as of "
        f"{assessment.options.as_of.isoformat()}: verdict {assessment.summary.verdict}"
    )
    body: Json = {
        "assessors": [{"bom-ref": ASSESSOR_REF, "thirdParty": False}],
        "attestations": [
            {
                "summary": summary,
                "assessor": ASSESSOR_REF,
                "map": [_map_entry(req, rules) for req, rules in requirements.items()],
            }
        ],
        "claims": claims,
        "evidence": list(evidence.values()),
        "targets": {"components": [{"type": "application", "name": assessment.system.name}]},
    }
    if not body["claims"]:
        del body["claims"], body["attestations"]
    if not body["evidence"]:
        del body["evidence"]
    return body, {"standards": _standards(requirements, assessment.frameworks)}


def requirement_ref(framework: str, provision: str) -> str:
    return f"requirement:{framework}:{provision}"


def _requirements(results: list[RuleResult]) -> dict[tuple[str, str], list[RuleResult]]:
    """Each referenced provision (framework, id) with the results of the rules that check it."""
    found: dict[tuple[str, str], list[RuleResult]] = {}
    for result in results:
        for framework, refs in sorted(result.refs.items()):
            for ref in refs:
                found.setdefault((framework, ref), []).append(result)
    return found


def _evidence(assessment: Assessment) -> dict[str, Json]:
    """A CycloneDX evidence entry per evidence file, by its path, with its sha256."""
    return {
        record.path: {
            "bom-ref": f"evidence:{record.path}",
            "propertyName": f"govern:evidence:{record.kind}",
            "description": f"{record.path} (sha256 {record.sha256})",
            "data": [{"name": record.path}],
            "created": f"{assessment.options.as_of.isoformat()}T00:00:00Z",
        }
        for record in [assessment.manifest, *assessment.evidence]
    }


def _claim(result: RuleResult, target_ref: str, evidence: dict[str, Json]) -> Json:
    read = [e.path for e in result.evidence_read] + [f.location.file for f in result.findings]
    refs = [evidence[p]["bom-ref"] for p in dict.fromkeys(read) if p in evidence]
    claim: Json = {
        "bom-ref": f"claim:{result.rule_id}",
        "target": target_ref,
        "predicate": f"{result.rule_id}: {result.title}",
        "reasoning": f"{result.status}: {result.message or result.check}",
    }
    if refs:
        claim["evidence"] = refs
    return claim


def _map_entry(requirement: tuple[str, str], results: list[RuleResult]) -> Json:
    passed = sum(1 for r in results if r.status == "pass")
    score = round(passed / len(results), 4)
    confidence, why = _confidence(results)
    return {
        "requirement": requirement_ref(*requirement),
        "claims": [f"claim:{r.rule_id}" for r in results],
        "conformance": {
            "score": score,
            "rationale": f"{passed} of {len(results)} rule(s) checking it passed",
        },
        "confidence": {"score": confidence, "rationale": why},
    }


def _confidence(results: list[RuleResult]) -> tuple[float, str]:
    if any(r.status in _NO_EVIDENCE for r in results):
        return 0.0, "a rule had no usable evidence (error or insufficient evidence)"
    if all(r.automated for r in results):
        return 1.0, "every rule was checked automatically against evidence files"
    return 0.5, "a rule rests on a person's attestation"


def _standards(
    requirements: dict[tuple[str, str], list[RuleResult]], frameworks: list[str]
) -> list[Json]:
    """A standard per framework in scope, with the provisions the rules reference."""
    standards = []
    for framework in sorted({f for f, _ in requirements} | set(frameworks)):
        catalogue = load_catalogue(framework) if framework in FRAMEWORK_TITLES else None
        items = [
            {
                "bom-ref": requirement_ref(framework, pid),
                "identifier": pid,
                **(
                    {"title": catalogue.provisions[pid].title}
                    if catalogue is not None and pid in catalogue
                    else {}
                ),
            }
            for f, pid in requirements
            if f == framework
        ]
        standard: Json = {
            "bom-ref": f"standard:{framework}",
            "name": FRAMEWORK_TITLES.get(framework, framework),
        }
        if items:
            standard["requirements"] = items
        standards.append(standard)
    return standards
