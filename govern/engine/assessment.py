"""The Assessment: everything one `govern check` concluded, as a stable, documented JSON document.

Renderers, the signer and the ledger consume this model only; none of them re-reads evidence.
Field names are a public contract (docs/assessment-json.md): add fields, never rename them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from govern.engine.classify import ClassificationResult
from govern.evidence.base import Record
from govern.load.manifest import System

ASSESSMENT_FORMAT = "govern.assessment/1"
# The file name the assessment JSON travels under inside a report PDF and in its signed statement.
ATTACHMENT_NAME = "assessment.json"
Status = Literal[
    "pass",
    "fail",
    "error",
    "not_applicable",
    "waived",
    "needs_attestation",
    "insufficient_evidence",
]
# insufficient_evidence: the evidence cannot estimate what the rule measures (a null metric, a
# group below the pack's minimum n, a placeholder where a number belongs); it blocks like a
# failure, and is counted apart (docs/assessment-json.md says which cases).
STATUSES: tuple[str, ...] = (
    "fail",
    "error",
    "insufficient_evidence",
    "needs_attestation",
    "waived",
    "pass",
    "not_applicable",
)
Verdict = Literal["pass", "fail"]


class Location(Record):
    file: str
    line: int
    column: int
    field: str
    sha256: str | None = None


class Finding(Record):
    expected: str
    found: str
    location: Location
    status: Status | Literal["warn"]


class EffectiveDate(Record):
    applies_from: dt.date
    in_force: bool
    date: dt.date
    basis: str
    amended_date: dt.date | None = None
    amended_basis: str | None = None
    amended_verified: bool | None = None
    calendar: Literal["official", "amended"]


class WaiverInfo(Record):
    rule: str | None
    reason: str | None = None
    approved_by: str | None = None
    expires: dt.date | None = None
    state: Literal["active", "expiring", "expired", "malformed"]
    problem: str | None = None
    manifest_line: int


Assurance = Literal["signed", "recorded", "invalid"]


class AttestationInfo(Record):
    control: str
    attested_by: str | None = None
    role: str | None = None
    date: dt.date | None = None
    statement: str | None = None
    problem: str | None = None
    # signed: by a listed attester's key; recorded: a plain, unsigned entry; invalid: a signature
    # that does not verify (fails closed). None when there is no attestation at all.
    assurance: Assurance | None = None
    # The signing key's id (sha256 of its public key), for a signed entry.
    keyid: str | None = None


class TighteningInfo(Record):
    pack: str
    what: str
    before: Any
    after: Any
    reason: str | None = None


class RuleResult(Record):
    rule_id: str
    title: str
    pack: str
    framework: str | None
    refs: dict[str, list[str]]
    severity: Literal["critical", "high", "medium", "low"]
    blocking: bool
    gating: bool
    status: Status
    automated: bool
    message: str
    findings: list[Finding] = []
    notes: list[Finding] = []
    remediation: str
    effective: EffectiveDate | None = None
    waiver: WaiverInfo | None = None
    attestations: list[AttestationInfo] = []
    tightened: list[TighteningInfo] = []
    rule_file: str
    rule_line: int


class EvidenceRecord(Record):
    kind: str
    path: str
    sha256: str
    bytes: int


class PackFile(Record):
    path: str
    sha256: str


class PackRecord(Record):
    id: str
    title: str
    version: str
    framework: str | None
    source: str
    rules: int
    files: list[PackFile]


class Coverage(Record):
    """How much of a framework the loaded packs check (see `govern policies coverage`)."""

    obligations: int
    automated: int
    attestation: int
    via_points: int
    not_covered: int
    covered_percent: float
    automated_percent: float


class FrameworkSummary(Record):
    framework: str
    title: str
    rules: int
    counts: dict[str, int]
    automated: int
    attestation_based: int
    coverage: Coverage | None = None


class Summary(Record):
    verdict: Verdict
    counts: dict[str, int]
    gating: list[str]
    not_in_force_failures: list[str]
    frameworks: list[FrameworkSummary]


class Options(Record):
    as_of: dt.date
    fail_on: Literal["critical", "high", "medium", "low"]
    only_in_force: bool
    calendar: Literal["official", "amended"]
    allow_unattested: bool


class Tool(Record):
    name: str = "govern"
    version: str


class Assessment(Record):
    format: Literal["govern.assessment/1"] = "govern.assessment/1"
    tool: Tool
    system: System
    manifest: EvidenceRecord
    classification: ClassificationResult
    frameworks: list[str]
    options: Options
    evidence: list[EvidenceRecord]
    packs: list[PackRecord]
    results: list[RuleResult]
    waivers: list[WaiverInfo]
    summary: Summary
    warnings: list[str] = []


def assurance_words(assurance: str | None) -> str:
    """How every output names an attestation's assurance: never "signed" for a plain entry."""
    return {
        "signed": "signed by a listed attester's key",
        "recorded": "recorded (unsigned entry)",
        "invalid": "INVALID signature",
    }.get(assurance or "", "no attestation")
