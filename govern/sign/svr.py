"""The in-toto Simple Verification Result (SVR) a signed report also carries, for model bundles.

A consumer that keeps a model's attestations together (its provenance, its model-signing
bundle) can append this one: "govern verified this model (or this system's evidence) against
these policy packs on this date; these controls passed; this was the verdict". The predicate
follows https://in-toto.io/attestation/svr/v0.1 (`verifier.id`, `timeCreated`, `properties`)
and adds, as the spec allows, the verifier's version and policy digest and the as-of date that
bounds what it says. Everything is derived from the report predicate and the assessment, so
`govern verify` recomputes and compares it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from pydantic import Field

from govern.engine.assessment import Assessment
from govern.sign.dsse import Envelope, sign_envelope
from govern.sign.keys import SigningKey
from govern.sign.statement import (
    ReportPredicate,
    Statement,
    StatementBuilder,
    Subject,
    _Camel,
)

SVR_PREDICATE_TYPE = "https://in-toto.io/attestation/svr/v0.1"
SVR_SUFFIX = ".svr.intoto.jsonl"
VERIFIER_ID = "https://govern.dev/verifier/v1"
# Properties are scoped to the verifier, as the SVR spec recommends: GOVERN_PASS_<rule id>.
PROPERTY_PREFIX = "GOVERN_"


class ResourceDescriptor(_Camel):
    """An in-toto ResourceDescriptor naming the policy packs applied, by their digest."""

    name: str
    digest: dict[str, str]


class Verifier(_Camel):
    id: str
    version: dict[str, str]
    policy: ResourceDescriptor


class SvrPredicate(_Camel):
    """The SVR predicate: who verified, when, which properties held, as of which date."""

    verifier: Verifier
    time_created: dt.datetime
    properties: list[str] = Field(min_length=1)
    # govern's extension fields: the date the verdict speaks for (nothing after it is covered)
    # and the system the subject belongs to.
    as_of: dt.date
    system: str


def svr_path(envelope: Path) -> Path:
    """Where the SVR goes: beside the report's envelope, report.intoto.jsonl -> report.svr...."""
    return envelope.with_name(envelope.name.removesuffix(".intoto.jsonl") + SVR_SUFFIX)


def subject(predicate: ReportPredicate) -> Subject:
    """The model when the report names a verified model digest, else the system's evidence.

    The evidence digest is the sha256 of the manifest's and every evidence file's path and
    sha256, in the report's order: any changed evidence byte gives another subject.
    """
    model = predicate.model
    if model is not None:
        return Subject(name=model.name, digest={"sha256": model.sha256})
    files = [predicate.manifest, *predicate.evidence]
    return Subject(
        name=predicate.system.id,
        digest={"sha256": _digest([[f.path, f.sha256] for f in files])},
    )


def policy_descriptor(predicate: ReportPredicate) -> ResourceDescriptor:
    """The packs applied, named `id@version`, and the sha256 over every pack file's digest."""
    packs = predicate.policies
    return ResourceDescriptor(
        name=",".join(f"{p.id}@{p.version}" for p in packs) or "no policy packs",
        digest={"sha256": _digest([[p.id, [[f.path, f.sha256] for f in p.files]] for p in packs])},
    )


def properties(assessment: Assessment) -> list[str]:
    """The verdict, then one property per control that passed; nothing for any other status."""
    passed = [r.rule_id for r in assessment.results if r.status == "pass"]
    verdict = f"{PROPERTY_PREFIX}VERDICT_{assessment.summary.verdict.upper()}"
    return [verdict, *(f"{PROPERTY_PREFIX}PASS_{_token(rule)}" for rule in passed)]


def svr_predicate(assessment: Assessment, report: ReportPredicate) -> SvrPredicate:
    return SvrPredicate(
        verifier=Verifier(
            id=VERIFIER_ID,
            version={"govern": report.tool.get("version", "")},
            policy=policy_descriptor(report),
        ),
        time_created=report.signed_at,
        properties=properties(assessment),
        as_of=report.as_of,
        system=report.system.id,
    )


def sign_svr(assessment: Assessment, report: ReportPredicate, key: SigningKey) -> Envelope:
    """The SVR statement, built by the statement builder and signed as a DSSE envelope."""
    statement = (
        StatementBuilder()
        .subject(subject(report))
        .predicate(SVR_PREDICATE_TYPE, svr_predicate(assessment, report))
        .build()
    )
    return sign_envelope(statement.to_payload(), key)


def svr_problems(statement: Statement, report: ReportPredicate) -> list[str]:
    """What in an (authentic) SVR statement disagrees with the report it was signed beside."""
    if statement.predicate_type != SVR_PREDICATE_TYPE:
        return [f"predicate type {statement.predicate_type!r} is not {SVR_PREDICATE_TYPE}"]
    predicate = SvrPredicate.model_validate(statement.predicate)
    expected = subject(report)
    problems = []
    if [s.model_dump() for s in statement.subject] != [expected.model_dump()]:
        problems.append(f"its subject is not {expected.name} {expected.digest['sha256']}")
    if predicate.verifier.policy != policy_descriptor(report):
        problems.append("its policy digest is not that of the packs the report names")
    verdict = f"{PROPERTY_PREFIX}VERDICT_{report.verdict.upper()}"
    if verdict not in predicate.properties:
        problems.append(f"it does not carry the report's verdict ({verdict})")
    if predicate.as_of != report.as_of or predicate.system != report.system.id:
        problems.append("its as-of date or system is not the report's")
    return problems


def _token(rule_id: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", rule_id.upper())


def _digest(data: object) -> str:
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
