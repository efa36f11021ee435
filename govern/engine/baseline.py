"""Baselines: record today's failures so that CI fails only on failures that are new since then."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from govern.engine.assessment import Assessment, Finding, RuleResult
from govern.engine.verdict import GATING_STATUSES, summarize
from govern.errors import InputError
from govern.evidence.base import Record
from govern.load.documents import SourceDocument
from govern.load.validation import load_validate

BASELINE_FORMAT = "govern.baseline/1"


class BaselineEntry(Record):
    """One recorded failure; only the fingerprint is compared, the rest is for reviewers."""

    rule: str
    status: str
    file: str
    field: str
    expected: str
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")


class BaselineTool(Record):
    """The govern that wrote the baseline, for whoever wonders why a fingerprint changed."""

    name: str = "govern"
    version: str


class Baseline(Record):
    """The failures of one system on one day (`govern.baseline/1`, documented in docs/ci.md)."""

    format: Literal["govern.baseline/1"] = "govern.baseline/1"
    tool: BaselineTool
    system: str
    as_of: dt.date
    failures: list[BaselineEntry]

    def fingerprints(self) -> set[str]:
        """The identities a later run compares its failures against."""
        return {entry.fingerprint for entry in self.failures}


def fingerprint(rule_id: str, finding: Finding | None) -> str:
    """The identity of one failure, stable across edits elsewhere in the evidence.

    Lines and columns are left out on purpose: adding a field above a finding moves it without
    making it a different failure. `expected` is kept because one rule can fail twice at the same
    field (two sub-fields missing under one absent key) and those are two different failures.
    """
    parts = [rule_id]
    if finding is not None:
        parts += [finding.location.file, finding.location.field, finding.expected]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def result_fingerprints(result: RuleResult) -> list[str]:
    """One fingerprint per finding, or one for the whole rule when it failed without findings."""
    if not result.findings:
        return [fingerprint(result.rule_id, None)]
    return [fingerprint(result.rule_id, finding) for finding in result.findings]


def build_baseline(assessment: Assessment) -> Baseline:
    """Every failure of the assessment, gating or not, so a later run can tell old from new.

    Waived results are not recorded: when a waiver expires, the failure it covered is news.
    """
    entries: dict[str, BaselineEntry] = {}
    for result in assessment.results:
        if result.status not in GATING_STATUSES:
            continue
        findings: list[Finding | None] = list(result.findings) or [None]
        for finding in findings:
            key = fingerprint(result.rule_id, finding)
            entries[key] = BaselineEntry(
                rule=result.rule_id,
                status=result.status,
                file=finding.location.file if finding else "",
                field=finding.location.field if finding else "",
                expected=finding.expected if finding else "",
                fingerprint=key,
            )
    return Baseline(
        tool=BaselineTool(version=assessment.tool.version),
        system=assessment.system.id,
        as_of=assessment.options.as_of,
        failures=sorted(entries.values(), key=lambda e: (e.rule, e.file, e.field, e.fingerprint)),
    )


def dump_baseline(baseline: Baseline) -> str:
    """Sorted, indented JSON, so that a refreshed baseline reads well in a code review diff."""
    data = baseline.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load_baseline(document: SourceDocument, system_id: str) -> Baseline:
    """Read a baseline written by --write-baseline, refusing one written for another system."""
    baseline = load_validate(Baseline, document)
    if baseline.system != system_id:
        raise InputError.single(
            document.display,
            f"this baseline was written for system {baseline.system!r}, not {system_id!r}; "
            "write one for this system with --write-baseline",
            line=document.locate(("system",)).line,
            column=document.locate(("system",)).column,
            field="system",
        )
    return baseline


@dataclass(frozen=True)
class BaselineComparison:
    """What a baseline hid and what it no longer needs to hide."""

    assessment: Assessment
    known: int
    known_rules: list[str]
    fixed: int


def apply_baseline(assessment: Assessment, baseline: Baseline, label: str) -> BaselineComparison:
    """The assessment as it reads when only failures new since `baseline` count.

    Failures recorded in the baseline are removed: a rule whose failures are all known drops out
    of the results, a rule with some new failures keeps only those. The summary and verdict are
    recomputed from what is left, and a warning says how much was hidden, so nothing is hidden
    silently.
    """
    known_prints = baseline.fingerprints()
    seen: set[str] = set()
    results: list[RuleResult] = []
    known = 0
    known_rules: list[str] = []
    for result in assessment.results:
        if result.status not in GATING_STATUSES:
            results.append(result)
            continue
        prints = result_fingerprints(result)
        seen.update(prints)
        new = [p not in known_prints for p in prints]
        known += new.count(False)
        if not all(new):
            known_rules.append(result.rule_id)
        if not any(new):
            continue
        if all(new):
            results.append(result)
            continue
        kept = [f for f, is_new in zip(result.findings, new, strict=True) if is_new]
        first = kept[0]
        message = (
            f"{len(kept)} new failure(s) since the baseline: expected {first.expected}; "
            f"found {first.found}"
        )
        results.append(result.model_copy(update={"findings": kept, "message": message}))
    fixed = len(known_prints - seen)
    warnings = list(assessment.warnings)
    if known:
        warnings.append(
            f"baseline {label}: {known} known failure(s) in {len(known_rules)} rule(s) not "
            f"reported ({', '.join(known_rules)})"
        )
    if fixed:
        warnings.append(
            f"baseline {label}: {fixed} recorded failure(s) no longer occur; refresh the "
            "baseline with --write-baseline"
        )
    filtered = assessment.model_copy(
        update={
            "results": results,
            "summary": summarize(
                results, {f.framework: f.coverage for f in assessment.summary.frameworks}
            ),
            "warnings": warnings,
        }
    )
    return BaselineComparison(filtered, known, known_rules, fixed)
