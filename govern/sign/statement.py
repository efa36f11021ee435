"""The in-toto Statement a signed report carries: its subjects and the compliance predicate."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel

from govern.engine.assessment import ATTACHMENT_NAME, Assessment
from govern.evidence.base import Record
from govern.sign.keys import SigningKey

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://govern.dev/attestations/compliance-report/v1"


class Subject(Record):
    """A file the statement is about: its name relative to the envelope, and its digests."""

    name: str
    digest: dict[str, str]

    @classmethod
    def for_file(cls, name: str, data: bytes) -> Subject:
        return cls(name=name, digest={"sha256": hashlib.sha256(data).hexdigest()})


class Statement(Record):
    type: Literal["https://in-toto.io/Statement/v1"] = Field(
        "https://in-toto.io/Statement/v1", alias="_type"
    )
    subject: list[Subject] = Field(min_length=1)
    predicate_type: str = Field(alias="predicateType")
    predicate: dict[str, Any]

    def to_payload(self) -> bytes:
        data = self.model_dump(mode="json", by_alias=True)
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class StatementBuilder:
    """Assembles a Statement from typed parts; signing code never writes statement JSON by hand."""

    def __init__(self) -> None:
        self._subjects: list[Subject] = []
        self._predicate_type: str | None = None
        self._predicate: dict[str, Any] | None = None

    def subject(self, subject: Subject) -> StatementBuilder:
        if any(s.name == subject.name for s in self._subjects):
            raise ValueError(f"subject {subject.name!r} given twice")
        self._subjects.append(subject)
        return self

    def subjects(self, subjects: Iterable[Subject]) -> StatementBuilder:
        for subject in subjects:
            self.subject(subject)
        return self

    def predicate(self, predicate_type: str, predicate: Record) -> StatementBuilder:
        self._predicate_type = predicate_type
        self._predicate = predicate.model_dump(mode="json", by_alias=True)
        return self

    def build(self) -> Statement:
        if not self._subjects or self._predicate_type is None or self._predicate is None:
            raise ValueError("a statement needs at least one subject and a predicate")
        return Statement(
            subject=self._subjects, predicate_type=self._predicate_type, predicate=self._predicate
        )


class _Camel(Record):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, alias_generator=to_camel
    )


class DigestedFile(_Camel):
    path: str
    sha256: str
    kind: str | None = None
    bytes: int | None = None


class PolicyDigest(_Camel):
    id: str
    version: str
    framework: str | None
    files: list[DigestedFile]


class SystemRef(_Camel):
    id: str
    name: str
    version: str


class FrameworkResult(_Camel):
    framework: str
    title: str
    rules: int
    counts: dict[str, int]


class AssessmentRef(_Camel):
    format: str
    sha256: str
    attachment: str


class SignerRef(_Camel):
    keyid: str
    certificate_sha256: str | None = None


class ModelDigest(_Camel):
    """The model weights whose signature govern verified: their name and verified sha256."""

    name: str
    sha256: str


class ReportPredicate(_Camel):
    """What the signer asserts about the report files; lowerCamelCase as in-toto recommends."""

    system: SystemRef
    as_of: dt.date
    verdict: Literal["pass", "fail"]
    counts: dict[str, int]
    gating: list[str]
    frameworks: list[FrameworkResult]
    risk_tier: str
    assessment: AssessmentRef
    manifest: DigestedFile
    evidence: list[DigestedFile]
    policies: list[PolicyDigest]
    tool: dict[str, str]
    signer: SignerRef
    signed_at: dt.datetime
    # Set only when the model's OpenSSF model-signing signature verified (govern check).
    model: ModelDigest | None = None


def report_predicate(
    assessment: Assessment, assessment_json: bytes, key: SigningKey, signed_at: dt.datetime
) -> ReportPredicate:
    summary = assessment.summary
    cert_digest = None
    if key.certificate is not None:
        cert_der = key.certificate.public_bytes(serialization.Encoding.DER)
        cert_digest = hashlib.sha256(cert_der).hexdigest()
    return ReportPredicate(
        system=SystemRef(
            id=assessment.system.id, name=assessment.system.name, version=assessment.system.version
        ),
        as_of=assessment.options.as_of,
        verdict=summary.verdict,
        counts=summary.counts,
        gating=summary.gating,
        frameworks=[
            FrameworkResult(framework=f.framework, title=f.title, rules=f.rules, counts=f.counts)
            for f in summary.frameworks
        ],
        risk_tier=assessment.classification.tier,
        assessment=AssessmentRef(
            format=assessment.format,
            sha256=hashlib.sha256(assessment_json).hexdigest(),
            attachment=ATTACHMENT_NAME,
        ),
        manifest=DigestedFile(
            path=assessment.manifest.path,
            sha256=assessment.manifest.sha256,
            kind="manifest",
            bytes=assessment.manifest.bytes,
        ),
        evidence=[
            DigestedFile(path=e.path, sha256=e.sha256, kind=e.kind, bytes=e.bytes)
            for e in assessment.evidence
        ],
        policies=[
            PolicyDigest(
                id=p.id,
                version=p.version,
                framework=p.framework,
                files=[DigestedFile(path=f.path, sha256=f.sha256) for f in p.files],
            )
            for p in assessment.packs
        ],
        tool={"name": assessment.tool.name, "version": assessment.tool.version},
        signer=SignerRef(keyid=key.keyid, certificate_sha256=cert_digest),
        signed_at=signed_at,
        model=_verified_model(assessment),
    )


def _verified_model(assessment: Assessment) -> ModelDigest | None:
    """The model by the digest its signature covers; only a verified signature names it."""
    model = assessment.model
    if model is None or model.status != "verified" or model.digest is None:
        return None
    return ModelDigest(name=model.name or model.path or "model", sha256=model.digest)
