"""The assessment as an OSCAL 1.1 `assessment-results` document, for GRC platforms that read OSCAL.

One run is one result: an observation per assessed rule (with links to the evidence it read,
whose sha256 the back-matter carries), a finding per control (the rule, with its framework
provisions as props), a risk for every control not satisfied, all dated at the run's as-of date.
UUIDs are uuid5 of the run's own content, so two identical runs give identical bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from govern.engine.assessment import Assessment, RuleResult
from govern.render.display import visible
from govern.render.interface import FunctionRenderer
from govern.render.markdown_escape import md_text

OSCAL_VERSION = "1.1.3"
# Props govern defines live in its own namespace, as OSCAL requires for names it does not define.
NAMESPACE = "https://govern.dev/ns/oscal"
_UUID_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE)
# Statuses a control is not satisfied in; not_applicable rules get no finding at all.
NOT_SATISFIED = ("fail", "error", "insufficient_evidence", "needs_attestation", "waived")
Json = dict[str, Any]


class Ids:
    """Deterministic UUIDs: uuid5 of a key (the run's digest) and a name within the document."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, *parts: str) -> str:
        return str(uuid.uuid5(_UUID_ROOT, "/".join((self.key, *parts))))


def content_key(data: Any) -> str:
    """The sha256 of `data` as canonical JSON: the same content always gives the same key."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def prop(name: str, value: object, cls: str | None = None) -> Json:
    """A govern prop; the value on one visible line, as OSCAL's string type requires."""
    entry: Json = {"name": name, "ns": NAMESPACE, "value": visible(str(value)).strip() or "-"}
    if cls is not None:
        entry["class"] = cls
    return entry


def timestamp(day: dt.date) -> str:
    """The as-of date as an OSCAL date-time: midnight UTC, never the clock of the run."""
    return dt.datetime.combine(day, dt.time(0), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def metadata(title: str, version: str, day: dt.date, props: list[Json]) -> Json:
    """OSCAL metadata: `last-modified` is the as-of date, so the clock never changes the bytes."""
    data: Json = {
        "title": md_text(title),
        "last-modified": timestamp(day),
        "version": visible(version),
        "oscal-version": OSCAL_VERSION,
    }
    if props:
        data["props"] = props
    return data


def provision_props(refs: dict[str, list[str]]) -> list[Json]:
    """A rule's framework references: one `provision` prop per id, classed by its framework."""
    return [
        prop("provision", ref, framework) for framework in sorted(refs) for ref in refs[framework]
    ]


def render(assessment: Assessment) -> str:
    """The OSCAL assessment-results document of one run, as indented JSON."""
    ids = Ids(content_key(assessment.model_dump(mode="json")))
    resources = _resources(assessment, ids)
    assessed = [r for r in assessment.results if r.status != "not_applicable"]
    result: Json = {
        "uuid": ids("result"),
        "title": md_text(f"govern check of {assessment.system.name} {assessment.system.version}"),
        "description": md_text(
            f"Verdict {assessment.summary.verdict}: {len(assessed)} controls assessed as of "
            f"{assessment.options.as_of.isoformat()}, failing at {assessment.options.fail_on}."
        ),
        "start": timestamp(assessment.options.as_of),
        "end": timestamp(assessment.options.as_of),
        "props": _result_props(assessment),
        "reviewed-controls": _reviewed(assessment.results),
    }
    if assessed:
        result["observations"] = [_observation(r, assessment, resources, ids) for r in assessed]
        result["findings"] = [_finding(r, ids) for r in assessed]
    risks = [_risk(r, ids) for r in assessed if r.status in NOT_SATISFIED]
    if risks:
        result["risks"] = risks
    document = {
        "assessment-results": {
            "uuid": ids("assessment-results"),
            "metadata": metadata(
                f"Assessment results: {assessment.system.name}",
                assessment.system.version,
                assessment.options.as_of,
                [prop("tool-version", assessment.tool.version)],
            ),
            "import-ap": {"href": f"#{ids('resource', 'policy-packs')}"},
            "results": [result],
            "back-matter": {"resources": _back_matter(assessment, resources, ids)},
        }
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _result_props(assessment: Assessment) -> list[Json]:
    return [
        prop("system-id", assessment.system.id),
        prop("verdict", assessment.summary.verdict),
        prop("risk-tier", assessment.classification.tier),
        *(prop("framework", f) for f in assessment.frameworks),
    ]


def _reviewed(results: list[RuleResult]) -> Json:
    controls = [{"control-id": r.rule_id} for r in results]
    selection: Json = {"include-controls": controls} if controls else {"include-all": {}}
    return {"control-selections": [selection]}


def _resources(assessment: Assessment, ids: Ids) -> dict[str, tuple[str, str]]:
    """Each evidence file's back-matter UUID and sha256, by its path relative to govern.yaml."""
    return {
        record.path: (ids("resource", record.path), record.sha256)
        for record in [assessment.manifest, *assessment.evidence]
    }


def _back_matter(
    assessment: Assessment, resources: dict[str, tuple[str, str]], ids: Ids
) -> list[Json]:
    files = [
        {
            "uuid": uid,
            "title": md_text(path),
            "rlinks": [{"href": path, "hashes": [{"algorithm": "SHA-256", "value": sha256}]}],
        }
        for path, (uid, sha256) in resources.items()
    ]
    plan = {
        "uuid": ids("resource", "policy-packs"),
        "title": "The policy packs applied (the assessment plan)",
        "props": [prop("pack", f"{p.id} {p.version}") for p in assessment.packs] or None,
        "rlinks": [
            {"href": f.path, "hashes": [{"algorithm": "SHA-256", "value": f.sha256}]}
            for p in assessment.packs
            for f in p.files
        ]
        or None,
    }
    return [*files, {k: v for k, v in plan.items() if v is not None}]


def _evidence_paths(result: RuleResult) -> list[str]:
    """The evidence files a rule read or pointed at, first seen first."""
    paths = [e.path for e in result.evidence_read]
    for finding in [*result.findings, *result.observations, *result.notes]:
        paths.append(finding.location.file)
    return list(dict.fromkeys(p for p in paths if p))


def _observation(
    result: RuleResult,
    assessment: Assessment,
    resources: dict[str, tuple[str, str]],
    ids: Ids,
) -> Json:
    observation: Json = {
        "uuid": ids("observation", result.rule_id),
        "title": md_text(result.title),
        "description": md_text(result.found or result.message or result.check or result.title),
        "methods": ["TEST"] if result.automated else ["EXAMINE"],
        "collected": timestamp(assessment.options.as_of),
    }
    evidence = [_evidence_link(path, resources) for path in _evidence_paths(result)]
    if evidence:
        observation["relevant-evidence"] = evidence
    return observation


def _evidence_link(path: str, resources: dict[str, tuple[str, str]]) -> Json:
    link: Json = {"href": path, "description": md_text(f"Evidence file {path}")}
    if path in resources:
        uid, sha256 = resources[path]
        link["props"] = [prop("sha256", sha256)]
        link["links"] = [{"href": f"#{uid}", "rel": "reference"}]
    return link


def _finding(result: RuleResult, ids: Ids) -> Json:
    state = "not-satisfied" if result.status in NOT_SATISFIED else "satisfied"
    finding: Json = {
        "uuid": ids("finding", result.rule_id),
        "title": md_text(result.title),
        "description": md_text(result.message or result.title),
        "props": [
            prop("status", result.status),
            prop("severity", result.severity),
            prop("blocking", str(result.blocking).lower()),
            prop("pack", result.pack),
            *provision_props(result.refs),
        ],
        "target": {
            "type": "objective-id",
            "target-id": result.rule_id,
            "status": {"state": state, "reason": result.status.replace("_", "-")},
        },
        "related-observations": [{"observation-uuid": ids("observation", result.rule_id)}],
    }
    if state == "not-satisfied":
        finding["related-risks"] = [{"risk-uuid": ids("risk", result.rule_id)}]
    return finding


def _risk(result: RuleResult, ids: Ids) -> Json:
    """A control not satisfied; a waived one is a deviation approved, every other one is open."""
    return {
        "uuid": ids("risk", result.rule_id),
        "title": md_text(result.title),
        "description": md_text(result.message or result.title),
        "statement": md_text(f"{result.rule_id} is {result.status} (severity {result.severity})."),
        "props": [prop("severity", result.severity), *provision_props(result.refs)],
        "status": "deviation-approved" if result.status == "waived" else "open",
        "remediations": [
            {
                "uuid": ids("remediation", result.rule_id),
                "lifecycle": "recommendation",
                "title": "Remediation",
                "description": md_text(result.remediation),
            }
        ],
    }


RENDERER = FunctionRenderer(
    "oscal", "application/json", lambda assessment, _options: render(assessment)
)
