"""The Assessment: everything one `govern check` concluded, as a stable, documented JSON document.

Renderers, the signer and the ledger consume this model only; none of them re-reads evidence.
Field names are a public contract (docs/assessment-json.md): add fields, never rename them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from govern.engine.classify import ClassificationResult
from govern.engine.incidents import IncidentSummary
from govern.engine.law import Calendar, calendar_name
from govern.evidence.base import Record
from govern.evidence.fairness import FairnessReport
from govern.evidence.model_signature import ModelSignature
from govern.load.manifest import System

ASSESSMENT_FORMAT = "govern.assessment/2"
# Documents of format 1 (no check text, compared values or fairness snapshot) still load.
READABLE_FORMATS = ("govern.assessment/1", ASSESSMENT_FORMAT)
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
# `official`, the calendar's old name, still reads from assessments written before it changed.
CalendarName = Annotated[Calendar, BeforeValidator(calendar_name)]


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
    calendar: CalendarName


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


class EvidenceRead(Record):
    """An evidence file a rule's check read: which one, which bytes, and where it looked first."""

    kind: str
    path: str
    sha256: str
    line: int | None = None


class FairnessGate(Record):
    """A bound the rule puts on a fairness disparity, with its effective threshold."""

    metric: str
    reference: Literal["between_groups", "to_overall"]
    op: Literal["min", "max"]
    threshold: float
    ci: str


class FairnessSnapshot(Record):
    """One fairness report as assessed, so no consumer (report, ledger, diff) re-reads the file.

    `path` and `sha256` are those of the report file the engine read; `report` is its content:
    every group's metrics and every disparity with its interval, and the parameters behind them.
    """

    path: str
    sha256: str
    report: FairnessReport


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
    # The rule's check in words, what it expected and what it found (for passes too), each value
    # it compared with its place in the evidence, and the evidence files it read.
    check: str = ""
    expected: str = ""
    found: str = ""
    observations: list[Finding] = []
    evidence_read: list[EvidenceRead] = []
    fairness_gates: list[FairnessGate] = []


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
    calendar: CalendarName
    allow_unattested: bool
    # The legal text the calendar stands for (engine/law.py); absent in older assessments.
    legal_text: str | None = None


class Tool(Record):
    name: str = "govern"
    version: str


class Assessment(Record):
    format: Literal["govern.assessment/1", "govern.assessment/2"] = "govern.assessment/2"
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
    fairness: list[FairnessSnapshot] = []
    # Every attestation entry of the system, with its assurance (signed, recorded or invalid),
    # whether or not a rule used it: the report's management assertion is one of them.
    attestations: list[AttestationInfo] = []
    # Serious incidents on record (Art.73), as of the assessment date: what the ledger keeps.
    incidents: list[IncidentSummary] = []
    # The model's OpenSSF model-signing check, when govern.yaml names the model (system.model).
    model: ModelSignature | None = None


def assurance_words(assurance: str | None) -> str:
    """How every output names an attestation's assurance: never "signed" for a plain entry."""
    return {
        "signed": "signed by a listed attester's key",
        "recorded": "recorded (unsigned entry)",
        "invalid": "INVALID signature",
    }.get(assurance or "", "no attestation")
