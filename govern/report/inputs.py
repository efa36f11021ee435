"""What a report shows beside the Assessment, taken from the evidence and packs of the same run.

The Assessment records results and evidence digests. Two things a reader needs are not in it:
the per-group fairness numbers (see `govern.report.fairness`) and, for a control that passed,
which evidence files its check read. Both come from the bundle and packs the engine has just
assessed, so the report never re-reads evidence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govern.engine.assessment import Assessment, AttestationInfo
from govern.policy.checks import AttestationCheck, Check, PathRef
from govern.policy.paths import ITEM_ROOT, EvidencePath
from govern.report.fairness import FairnessInput
from govern.report.fairness import collect as collect_fairness

if TYPE_CHECKING:
    from govern.load.bundle import EvidenceBundle
    from govern.policy.loader import PackSet

# Evidence kinds (as in the Assessment's evidence records) behind each root of a check path.
ROOT_KINDS: dict[str, str] = {
    "system": "manifest",
    "classification": "manifest",
    "model_card": "model_card",
    "datasets": "dataset",
    "fairness": "fairness",
    "attestations": "attestations",
}


@dataclass(frozen=True)
class ReportInput:
    """The fairness numbers and gates, and for each rule the evidence files its check reads."""

    fairness: FairnessInput = field(default_factory=FairnessInput)
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The latest attestation of control `management_assertion`, shown as the assertion section.
    assertion: AttestationInfo | None = None
    # What changed since the last approved run, one line each; None when no ledger was given
    # (the CLI computes it from the ledger: report/ never reads the store).
    changes: tuple[str, ...] | None = None


def collect(bundle: EvidenceBundle, packs: PackSet, assessment: Assessment) -> ReportInput:
    """Everything the report needs beyond the Assessment, from the run that produced it."""
    fairness = collect_fairness(bundle, packs, assessment)
    return ReportInput(fairness, evidence_read(packs, assessment), _assertion(bundle))


def _assertion(bundle: EvidenceBundle) -> AttestationInfo | None:
    from govern.report.audit import ASSERTION_CONTROL

    found = [a for a in bundle.attestation_list() if a.control == ASSERTION_CONTROL]
    if not found:
        return None
    latest = max(found, key=lambda a: a.date)
    return AttestationInfo(
        control=ASSERTION_CONTROL,
        attested_by=latest.attested_by.name,
        role=latest.attested_by.role,
        date=latest.date,
        statement=latest.statement,
    )


def evidence_read(packs: PackSet, assessment: Assessment) -> dict[str, tuple[str, ...]]:
    """Rule id -> paths of the evidence files (as recorded in the Assessment) its check reads."""
    files: dict[str, list[str]] = {"manifest": [assessment.manifest.path]}
    for record in assessment.evidence:
        files.setdefault(record.kind, []).append(record.path)
    reads = {}
    for rule in packs.rules:
        kinds = sorted(set(kinds_read(rule.check)), key=list(ROOT_KINDS.values()).index)
        reads[rule.id] = tuple(path for kind in kinds for path in files.get(kind, ()))
    return reads


def kinds_read(check: Check) -> Iterator[str]:
    """The evidence kinds a compiled check looks at, found by walking its fields."""
    if isinstance(check, AttestationCheck):
        yield "attestations"
    for item in dataclasses.fields(check):
        yield from _kinds_in(getattr(check, item.name))


def _kinds_in(value: object) -> Iterator[str]:
    if isinstance(value, EvidencePath):
        if value.root != ITEM_ROOT and value.root in ROOT_KINDS:
            yield ROOT_KINDS[value.root]
    elif isinstance(value, PathRef):
        yield from _kinds_in(value.path)
    elif isinstance(value, Check):
        yield from kinds_read(value)
    elif isinstance(value, tuple):
        for item in value:
            yield from _kinds_in(item)
