"""The parts of the report an auditor looks for first, in the order an assurance report has them.

An auditor relying on the report needs to know what was assessed (scope), against what (criteria,
with the legal text's version), on whose word (the management assertion), how each control was
tested and with what assurance (tests of controls), what was not assessed, the limits of an
automated self-assessment, and which duties remain with the deployer. Everything here is derived
from the Assessment alone; nothing is re-read from evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govern.engine.assessment import Assessment, AttestationInfo, RuleResult
from govern.engine.diff import Diff
from govern.reference import FRAMEWORK_TITLES

# The control id of the statement by which management asserts the system meets the criteria.
ASSERTION_CONTROL = "management_assertion"

# The text each framework's criteria come from, and its version, per --calendar.
_LEGAL_TEXT = {
    "eu-ai-act": {
        "original": "Regulation (EU) 2024/1689 (OJ L, 12.7.2024), application dates as published",
        "amended": "Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744 (Digital "
        "Omnibus; consolidated text, not authentic; amended dates marked unverified)",
    },
    "iso-42001": {"*": "ISO/IEC 42001:2023 (clauses 4-10 and Annex A controls)"},
    "nist-ai-rmf": {"*": "NIST AI 100-1 (AI RMF 1.0) and NIST AI 600-1 (Generative AI Profile)"},
}
_JURISDICTION = {
    "eu-ai-act": "European Union (the EU AI Act applies where the system is placed on the market, "
    "put into service or its output is used in the Union)",
    "iso-42001": "none (international standard; conformity is voluntary)",
    "nist-ai-rmf": "none (United States voluntary framework)",
}


@dataclass(frozen=True)
class Assertion:
    """The management assertion, or why there is none."""

    provided: bool
    statement: str | None = None
    name: str | None = None
    role: str | None = None
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Criterion:
    pack: str
    version: str
    framework: str
    legal_text: str
    files: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AuditView:
    title: str
    scope: tuple[tuple[str, str], ...]
    evidence: tuple[tuple[str, str, str], ...]
    criteria: tuple[Criterion, ...]
    assertion: Assertion
    coverage: tuple[str, ...]
    cover_coverage: str
    not_assessed: tuple[str, ...]
    cover_not_assessed: str
    assurance: Mapping[str, int]
    limitations: tuple[str, ...]
    deployer_duties: tuple[tuple[str, str], ...]
    changes: tuple[str, ...] | None


def audit_view(
    assessment: Assessment,
    assertion: AttestationInfo | None,
    changes: Sequence[str] | None,
) -> AuditView:
    """`assertion` is the attestation of control `management_assertion`, if any; `changes` the
    lines saying what changed since the last approved run (None: no ledger was given)."""
    system = assessment.system
    counts: dict[str, int] = {}
    for result in assessment.results:
        level = assurance(result)
        counts[level] = counts.get(level, 0) + 1
    return AuditView(
        title="Automated conformity self-assessment",
        scope=_scope(assessment),
        evidence=tuple(
            (e.kind, e.path, e.sha256) for e in (assessment.manifest, *assessment.evidence)
        ),
        criteria=tuple(_criterion(assessment, p.id) for p in assessment.packs),
        assertion=_assertion(assertion, system.name),
        coverage=_coverage(assessment),
        cover_coverage=_cover_coverage(assessment),
        not_assessed=_not_assessed(assessment),
        cover_not_assessed=_cover_not_assessed(assessment),
        assurance=counts,
        limitations=_limitations(assessment),
        deployer_duties=_deployer_duties(assessment),
        changes=tuple(changes) if changes is not None else None,
    )


def assurance(result: RuleResult) -> str:
    """How much a reader can rest on a result: what kind of test stands behind it."""
    if result.status == "not_applicable":
        return "not assessed"
    if result.status == "waived":
        return "waived"
    if result.automated:
        return "automated test of evidence"
    levels = {getattr(a, "assurance", None) for a in result.attestations if a.attested_by}
    if "invalid" in levels:
        return "invalid attestation"
    if levels == {"signed"}:
        return "signed attestation"
    if levels - {None, "recorded"}:
        return "attestation"
    return "recorded attestation (unsigned)" if levels else "attestation required"


def procedure(result: RuleResult) -> str:
    """What was done to test the control, in a line."""
    check = getattr(result, "check", None)
    if isinstance(check, str) and check:
        return check
    if result.rule_file.startswith("builtin:govern/"):
        return f"built-in cross-check of the evidence files ({result.rule_file})"
    controls = sorted({a.control for a in result.attestations})
    place = f"{result.rule_file}:{result.rule_line}"
    if not result.automated and controls:
        return f"inspection of the attestation of control {', '.join(controls)} ({place})"
    return f"automated check of evidence fields ({place})"


def _scope(assessment: Assessment) -> tuple[tuple[str, str], ...]:
    system = assessment.system
    card = next((e for e in assessment.evidence if e.kind == "model_card"), None)
    options = assessment.options
    jurisdictions = [_JURISDICTION.get(f, f) for f in assessment.frameworks]
    return (
        ("System", f"{system.name} ({system.id})"),
        ("Version", system.version),
        (
            "Model",
            f"model card {card.path}, sha256 {card.sha256}" if card else "no model card given",
        ),
        ("Manifest", f"{assessment.manifest.path}, sha256 {assessment.manifest.sha256}"),
        ("Role", system.role),
        ("Jurisdiction", "; ".join(jurisdictions) or "none in scope"),
        (
            "Point in time",
            f"as of {options.as_of.isoformat()} ({options.calendar} application dates); the "
            "evidence as it stood when govern read it, identified by the digests below",
        ),
        ("Intended purpose", system.intended_purpose),
    )


def _criterion(assessment: Assessment, pack_id: str) -> Criterion:
    pack = next(p for p in assessment.packs if p.id == pack_id)
    framework = pack.framework or ""
    texts = _LEGAL_TEXT.get(framework, {})
    legal = texts.get(assessment.options.calendar) or texts.get("*") or pack.title
    return Criterion(
        pack=pack.id,
        version=pack.version,
        framework=FRAMEWORK_TITLES.get(framework, framework or "organisation pack"),
        legal_text=legal,
        files=tuple((f.path, f.sha256) for f in pack.files),
    )


def _assertion(info: AttestationInfo | None, system: str) -> Assertion:
    if info is None or info.problem or not info.attested_by:
        return Assertion(False, note="no attestation of control management_assertion")
    level = getattr(info, "assurance", None)
    shown = Assertion(
        level == "signed",
        statement=info.statement,
        name=info.attested_by,
        role=info.role,
        date=info.date.isoformat() if info.date else None,
    )
    if level == "signed":
        return shown
    return Assertion(
        False,
        statement=info.statement,
        name=info.attested_by,
        role=info.role,
        date=shown.date,
        note=f"a recorded, unsigned statement about {system} exists; an assertion needs a "
        "signature by a listed attester",
    )


def _coverage(assessment: Assessment) -> tuple[str, ...]:
    lines = []
    for summary in assessment.summary.frameworks:
        cov = summary.coverage
        if cov is None:
            continue
        lines.append(
            f"{summary.title}: the loaded packs check {cov.covered_percent:g}% of its "
            f"{cov.obligations} obligations ({cov.automated_percent:g}% automatically); "
            f"{cov.not_covered} are not checked"
        )
    return tuple(lines)


def _cover_coverage(assessment: Assessment) -> str:
    """One line for the cover: the share of each framework's obligations the packs check."""
    parts = [
        f"{s.title} {s.coverage.covered_percent:g}%"
        + (f" ({s.coverage.not_covered} unchecked)" if s.coverage.not_covered else "")
        for s in assessment.summary.frameworks
        if s.coverage is not None
    ]
    return ", ".join(parts) + " of obligations checked" if parts else "no catalogue in scope"


def _cover_not_assessed(assessment: Assessment) -> str:
    parts = [
        f"{FRAMEWORK_TITLES.get(f, f)} (no pack)"
        for f in assessment.frameworks
        if not any(p.framework == f for p in assessment.packs)
    ]
    unchecked = sum(
        s.coverage.not_covered for s in assessment.summary.frameworks if s.coverage is not None
    )
    if unchecked:
        parts.append(f"{unchecked} obligations no rule checks")
    skipped = sum(1 for r in assessment.results if r.status == "not_applicable")
    if skipped:
        parts.append(f"{skipped} controls not applicable")
    waived = sum(1 for r in assessment.results if r.status == "waived")
    if waived:
        parts.append(f"{waived} waived")
    return "; ".join(parts) + " (see Scope and criteria)" if parts else "nothing left out"


def _not_assessed(assessment: Assessment) -> tuple[str, ...]:
    lines = []
    for framework in assessment.frameworks:
        if not any(p.framework == framework for p in assessment.packs):
            lines.append(f"{FRAMEWORK_TITLES.get(framework, framework)}: no pack was loaded")
    for summary in assessment.summary.frameworks:
        if summary.coverage and summary.coverage.not_covered:
            lines.append(
                f"{summary.title}: {summary.coverage.not_covered} obligations no loaded rule "
                "checks (`govern policies coverage` lists them)"
            )
    skipped = sum(1 for r in assessment.results if r.status == "not_applicable")
    if skipped:
        lines.append(
            f"{skipped} controls found not applicable to this system (listed per framework)"
        )
    waived = sum(1 for r in assessment.results if r.status == "waived")
    if waived:
        lines.append(f"{waived} controls waived: their evidence was not relied on")
    return tuple(lines)


def _limitations(assessment: Assessment) -> tuple[str, ...]:
    lines = [
        "This is a self-assessment generated by software from the provider's own evidence files; "
        "it is not a third-party audit, a notified body's conformity assessment or a "
        "certification.",
        "govern checks what the evidence documents say; it does not test the AI system, re-run "
        "its evaluations or confirm that the documents describe the system as deployed.",
        "Controls marked as attested rest on a named person's statement; a recorded (unsigned) "
        "statement shows only that someone with write access to the file wrote it.",
        "A control is as strong as its rule: a pass means the rule's checks held, not that every "
        "aspect of the provision is met.",
    ]
    if assessment.options.calendar == "amended":
        lines.append(
            "Application dates follow the Digital Omnibus amendments (Regulation (EU) 2026/1744) "
            "from a consolidated, non-authentic text; dates marked unverified may change."
        )
    if assessment.options.allow_unattested:
        lines.append("Missing attestations were allowed for this run (--allow-unattested).")
    if assessment.options.only_in_force:
        lines.append("Obligations not yet in force did not fail this run (--only-in-force).")
    return tuple(lines)


def _deployer_duties(assessment: Assessment) -> tuple[tuple[str, str], ...]:
    """Duties of the EU AI Act that fall on whoever deploys the system, not on its provider."""
    if "eu-ai-act" not in assessment.frameworks:
        return ()
    classification = assessment.classification
    duties: list[tuple[str, str]] = [
        ("Art.4", "ensure a sufficient level of AI literacy of staff who operate or use it"),
    ]
    if classification.high_risk:
        duties += [
            ("Art.26(1)", "use the system in accordance with the instructions for use"),
            ("Art.26(2)", "assign human oversight to competent, trained and supported people"),
            ("Art.26(5)", "monitor operation and inform the provider of risks and incidents"),
            ("Art.26(6)", "keep the logs under its control for at least six months"),
            ("Art.26(7)", "inform workers' representatives and affected workers before use"),
            ("Art.26(11)", "inform natural persons that they are subject to its use"),
            ("Art.27(1)", "where it applies, perform a fundamental rights impact assessment"),
        ]
    triggers = set(classification.transparency)
    if triggers & {"emotion_recognition", "biometric_categorisation"}:
        duties.append(
            (
                "Art.50(3)",
                "inform exposed persons of emotion recognition or biometric categorisation",
            )
        )
    if triggers & {"deep_fake", "public_interest_text"}:
        duties.append(("Art.50(4)", "disclose deep fakes and AI-generated public-interest text"))
    return tuple(duties)


def management_assertion(assessment: Assessment) -> AttestationInfo | None:
    """The latest attestation of control `management_assertion`, as the Assessment records it."""
    found = [a for a in assessment.attestations if a.control == ASSERTION_CONTROL and a.date]
    return max(found, key=lambda a: a.date or dt.date.min) if found else None


def change_lines(diff: Diff) -> tuple[str, ...]:
    """What changed since the last approved run, a line each, in the words of `govern diff`."""
    lines = []
    if diff.before.verdict != diff.after.verdict:
        lines.append(f"verdict {diff.before.verdict} -> {diff.after.verdict}")
    for title, changes in (
        ("new failure", diff.new_failures),
        ("fixed", diff.fixed),
        ("changed", diff.changed),
    ):
        for c in changes:
            moved = f"{c.before or 'absent'} -> {c.after or 'absent'}"
            lines.append(f"{title}: {c.rule_id} ({c.severity}, {moved}): {c.message}")
    for w in diff.expired_waivers:
        lines.append(f"waiver expired: {w.rule} on {w.expires}")
    for m in diff.fairness:
        change = f"{m.before} -> {m.after}" + (" (worse)" if m.worse else "")
        lines.append(
            f"fairness moved: {m.metric} {m.method} of {m.feature} in {m.report}: {change}"
        )
    if diff.fairness_note:
        lines.append(diff.fairness_note)
    run = f"run {diff.before.run_id}" if diff.before.run_id is not None else "the approved run"
    head = f"compared with {run} ({diff.before.version}, as of {diff.before.as_of})"
    return (head, *lines)
