"""Rules x evidence -> Assessment: applicability, checks, dates, waivers and the verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from govern import __version__
from govern.engine.assessment import (
    Assessment,
    AttestationInfo,
    Coverage,
    EffectiveDate,
    EvidenceRead,
    EvidenceRecord,
    FairnessSnapshot,
    Finding,
    Location,
    Options,
    PackFile,
    PackRecord,
    RuleResult,
    Summary,
    Tool,
    WaiverInfo,
    assurance_words,
)
from govern.engine.classify import ClassificationResult, classify
from govern.engine.coherence import coherence_results
from govern.engine.compiled_rules import CompiledRule, compiled_rules, unvalidated
from govern.engine.gpai_view import gpai_missing, gpai_view, locate_gpai
from govern.engine.incidents import summarise_incidents
from govern.engine.law import DEFAULT_CALENDAR, Calendar, legal_text
from govern.engine.verdict import GATING_STATUSES, summarize
from govern.engine.waivers import WaiverEntry, judge_waivers
from govern.evidence.fairness import FairnessReport
from govern.load.bundle import EvidenceBundle, EvidenceItem
from govern.load.documents import SourceDocument, format_field_path
from govern.policy.checks import (
    Context,
    EntryMemo,
    LeafFinding,
    Observed,
    Outcome,
    evaluate,
    show_value,
)
from govern.policy.coverage import framework_coverage
from govern.policy.loader import PackSet
from govern.policy.model import SEVERITY_RANK, Applicability, Rule
from govern.policy.paths import MISSING, Leaf
from govern.policy.reads import MAX_OBSERVATIONS
from govern.reference import FRAMEWORKS


@dataclass(frozen=True)
class EngineOptions:
    as_of: dt.date
    fail_on: Literal["critical", "high", "medium", "low"] = "high"
    only_in_force: bool = False
    calendar: Calendar = DEFAULT_CALENDAR
    allow_unattested: bool = False


def assess(bundle: EvidenceBundle, packs: PackSet, options: EngineOptions) -> Assessment:
    manifest = bundle.manifest
    classification = classify(manifest, bundle.manifest_document, options.as_of)
    view = _evidence_view(bundle, classification)
    known = packs.rule_ids
    waivers = judge_waivers(manifest.waivers, bundle.manifest_document, known)
    waivers_of: dict[str | None, list[WaiverEntry]] = {}  # in govern.yaml's order: the last wins
    for entry in waivers:
        waivers_of.setdefault(entry.rule, []).append(entry)
    attestations = bundle.attestation_list()
    by_control: dict[str, list[tuple[int, Any]]] = {}
    for index, attestation in enumerate(attestations):
        by_control.setdefault(attestation.control, []).append((index, attestation))

    def find_attestation(control: str) -> list[tuple[int, Any]]:
        return list(by_control.get(control, ()))

    warnings = [*bundle.warnings, *classification.warnings]
    results = [_unanswered_result(classification, bundle)] if classification.incomplete else []
    results += coherence_results(
        bundle, options.as_of, _max_age(packs), find_attestation, _coherence_gates(options)
    )
    resolved: dict[str, list[Leaf]] = {}  # every rule reads the same view: resolve paths once
    shared = _Shared()
    outcomes: dict[int, Outcome] = {}  # each question the rules ask of the view, answered once
    entries: dict[tuple[str | int, ...], EntryMemo] = {}  # and of each entry `each` walks
    for compiled in compiled_rules(packs):
        rule = compiled.rule
        ctx = Context(
            view,
            rule.params,
            find_attestation,
            options.as_of,
            bundle.seal,
            resolved,
            rule.expectations,
            outcomes,
            compiled.keys,
            entries,
        )
        rule_waivers = waivers_of.get(rule.id, _NO_WAIVERS)
        results.append(
            _assess_rule(compiled, ctx, bundle, classification, rule_waivers, options, shared)
        )

    for entry in waivers:
        if entry.rule is not None and entry.rule not in known:
            warnings.append(f"govern.yaml:{entry.line}: waiver names unknown rule {entry.rule!r}")
    for framework in manifest.frameworks:
        if not any(pack.info.framework == framework for pack in packs.packs):
            warnings.append(
                f"framework {framework} is in scope but no policy pack for it is "
                "loaded: none of its provisions were checked"
            )

    return Assessment(
        tool=Tool(version=__version__),
        system=manifest.system,
        model=bundle.model_signature,
        manifest=_record("manifest", bundle.manifest_document),
        classification=classification,
        frameworks=list(manifest.frameworks),
        options=Options(
            as_of=options.as_of,
            fail_on=options.fail_on,
            only_in_force=options.only_in_force,
            calendar=options.calendar,
            allow_unattested=options.allow_unattested,
            legal_text=legal_text(options.calendar),
        ),
        evidence=[_record(item.kind, item.document) for item in bundle.files],
        packs=[
            PackRecord(
                id=p.info.id,
                title=p.info.title,
                version=p.info.version,
                framework=p.info.framework,
                source=p.source,
                rules=len(p.rules),
                files=[PackFile(path=f, sha256=h) for f, h in p.files],
            )
            for p in packs.packs
        ],
        results=results,
        waivers=[_waiver_info(w, options.as_of) for w in waivers],
        summary=_summary(results, packs),
        warnings=warnings,
        fairness=[_fairness_snapshot(item) for item in bundle.fairness],
        attestations=[_entry_info(a, bundle.seal(i)) for i, a in enumerate(attestations)],
        incidents=summarise_incidents(bundle.incidents, options.as_of),
    )


def _fairness_snapshot(item: EvidenceItem) -> FairnessSnapshot:
    report: FairnessReport = item.model
    return FairnessSnapshot(path=item.path, sha256=item.sha256, report=report)


def _record(kind: str, document: SourceDocument) -> EvidenceRecord:
    return EvidenceRecord(
        kind=kind, path=document.display, sha256=document.sha256, bytes=document.size
    )


# ---------------------------------------------------------------------------------------------
# One rule


def _assess_rule(
    compiled: CompiledRule,
    ctx: Context,
    bundle: EvidenceBundle,
    classification: ClassificationResult,
    waivers: list[WaiverEntry],
    options: EngineOptions,
    shared: _Shared,
) -> RuleResult:
    rule = compiled.rule
    effective = shared.effective_date(rule, classification, options)
    applicable, why_not = shared.applies(compiled, bundle, classification)
    if not applicable:
        return compiled.result(
            status="not_applicable",
            gating=False,
            message=why_not,
            found=f"not applicable: {why_not}",
            effective=effective,
            findings=[],
            notes=[],
            waiver=None,
            attestations=[],
            observations=[],
            evidence_read=[],
        )

    unknown = rule.path_problems
    outcome = evaluate(rule.check, ctx) if not unknown else _unknown_path_outcome(unknown)
    findings = [
        _rule_finding(f, rule) if f.path == _RULE_CHECK else _finding(f, bundle, shared)
        for f in outcome.findings
    ]
    notes = [_finding(f, bundle, shared) for f in outcome.warnings]
    attestations = [_attestation_info(use) for use in outcome.attestations]
    status = outcome.status
    message = _message(status, findings, attestations)
    if notes:
        message += f", with {len(notes)} warning(s): {notes[0].found}"
    waiver_info = None
    if waivers:
        entry = waivers[-1]
        waiver_info = _waiver_info(entry, options.as_of)
        if status in GATING_STATUSES:
            if entry.valid_on(options.as_of):
                status = "waived"
                assert entry.waiver is not None
                message = (
                    f"waived until {entry.waiver.expires} by {entry.waiver.approved_by}: "
                    f"{entry.waiver.reason} (underlying: {message})"
                )
            elif entry.waiver is None:
                message += f" (waiver at govern.yaml:{entry.line} ignored: {entry.problem})"
            else:
                message += (
                    f" (waiver at govern.yaml:{entry.line} expired on "
                    f"{entry.waiver.expires}; it no longer waives)"
                )
    if effective is not None and not effective.in_force and status in GATING_STATUSES:
        message += f" [not yet in force: applies from {effective.applies_from}]"
    gating = _gates(rule, status, effective, options)
    observations = []
    if outcome.status == "pass":
        seen = outcome.observed
        cited = shared.cited  # most were cited by another rule already: no call for those
        observations = [
            again[1] if (again := cited.get(id(o))) is not None else _observation(o, bundle, shared)
            for o in seen[:MAX_OBSERVATIONS]
        ]
        found = _compared(observations, len(seen))
        if message.startswith("all checks met"):
            # A pass says what it rests on, as a failure does: the values that met the check.
            message = message.replace("all checks met", f"all checks met ({found})", 1)
    else:
        found = _compared(findings, len(findings))
    return compiled.result(
        status=status,  # type: ignore[arg-type]  # the statuses an outcome or waiver gives
        gating=gating,
        message=message,
        found=found,
        effective=effective,
        findings=findings,
        notes=notes,
        waiver=waiver_info,
        attestations=attestations,
        observations=observations,
        evidence_read=_evidence_read(rule, bundle, [*findings, *observations], shared),
    )


_NO_WAIVERS: list[WaiverEntry] = []  # never changed: _assess_rule only reads its waivers

_SHOWN_VALUES = 3


def _compared(items: list[Finding], total: int) -> str:
    """The values a check compared, in brief: a few, then how many more."""
    if not items:
        return "nothing to compare"
    shown = "; ".join(f"{i.location.field}: {i.found}" for i in items[:_SHOWN_VALUES])
    more = total - min(len(items), _SHOWN_VALUES)
    return shown + (f" (+{more} more)" if more > 0 else "")


def _evidence_read(
    rule: Rule, bundle: EvidenceBundle, cited: list[Finding], shared: _Shared
) -> list[EvidenceRead]:
    """Each evidence file the rule's check reads, with the first line a result cites in it."""
    documents = shared.documents.get(rule.evidence_kinds)
    if documents is None:
        documents = shared.documents[rule.evidence_kinds] = _documents_read(rule, bundle)
    first: dict[str, int] = {}  # the first line cited in each file
    for finding in cited:
        location = finding.location
        if location.file not in first or location.line < first[location.file]:
            first[location.file] = location.line
    reads = []
    for kind, document in documents:
        display = document.display
        line = first.get(display)
        key = (kind, display, line)
        read = shared.reads.get(key)
        if read is None:
            read = shared.reads[key] = unvalidated(
                EvidenceRead,
                {"kind": kind, "path": display, "sha256": document.sha256, "line": line},
            )
        reads.append(read)
    return reads


def _documents_read(rule: Rule, bundle: EvidenceBundle) -> list[tuple[str, SourceDocument]]:
    documents: list[tuple[str, SourceDocument]] = []
    for kind in rule.evidence_kinds:
        if kind == "manifest":
            documents.append((kind, bundle.manifest_document))
        else:
            documents.extend((kind, item.document) for item in bundle.files if item.kind == kind)
    return documents


# The path of a finding about the rule's own check rather than about the evidence.
_RULE_CHECK: tuple[str | int, ...] = ("<check>",)


def _unknown_path_outcome(problems: tuple[str, ...]) -> Outcome:
    """A rule whose check names fields the evidence schema lacks checks nothing: an error, so that
    a misspelt path never passes as "nothing to check"."""
    findings = [
        LeafFinding("a path to a field the evidence schema has", problem, _RULE_CHECK, "error")
        for problem in problems
    ]
    return Outcome("error", findings)


def _rule_finding(leaf: LeafFinding, rule: Rule) -> Finding:
    position = rule.document.locate((*rule.where, "check"))
    location = Location(
        file=rule.file,
        line=position.line,
        column=position.column,
        field="check",
        sha256=rule.document.sha256,
    )
    return Finding(expected=leaf.expected, found=leaf.found, location=location, status="error")


UNANSWERED_RULE = "GOVERN-CLASSIFICATION-ANSWERED"


def _unanswered_result(classification: ClassificationResult, bundle: EvidenceBundle) -> RuleResult:
    """A failed, gating result for screening answers left as placeholders: the tier (and so which
    rules apply) rests on them, so the run fails closed until they are answered."""
    findings = [
        _finding(
            LeafFinding(
                f"an answer: {item.question}",
                show_value(item.value),
                tuple(item.field.split(".")),
            ),
            bundle,
        )
        for item in classification.unanswered
    ]
    return RuleResult(
        rule_id=UNANSWERED_RULE,
        title="EU AI Act screening questions answered",
        pack="govern",
        framework="eu-ai-act",
        refs={"eu-ai-act": ["Art.6(1)", "Art.6(2)", "Art.6(3)"]},
        severity="critical",
        blocking=True,
        gating=True,
        status="fail",
        automated=True,
        message=_message("fail", findings, []) + f"; the tier is {classification.label}",
        findings=findings,
        remediation="Replace each placeholder under classification in govern.yaml with the "
        "answer (or null); `govern classify` explains the questions. Until then the stricter "
        "tier is assumed.",
        rule_file="builtin:govern/classification",
        rule_line=findings[0].location.line if findings else 1,
        check="every screening question under classification is answered",
        expected="every screening question under classification is answered",
        found=_compared(findings, len(findings)),
        evidence_read=[
            EvidenceRead(
                kind="manifest",
                path=bundle.manifest_document.display,
                sha256=bundle.manifest_document.sha256,
                line=min((f.location.line for f in findings), default=None),
            )
        ],
    )


def _max_age(packs: PackSet) -> int | None:
    limits = [p.info.evidence_max_age_days for p in packs.packs if p.info.evidence_max_age_days]
    return min(limits) if limits else None


def _coherence_gates(options: EngineOptions) -> Callable[[str, bool, str], bool]:
    def gates(severity: str, blocking: bool, status: str) -> bool:
        if status not in GATING_STATUSES or not blocking:
            return False
        if status == "needs_attestation" and options.allow_unattested:
            return False
        return SEVERITY_RANK[severity] >= SEVERITY_RANK[options.fail_on]

    return gates


def _gates(
    rule: Rule, status: str, effective: EffectiveDate | None, options: EngineOptions
) -> bool:
    if status not in GATING_STATUSES or not rule.blocking:
        return False
    if status == "needs_attestation" and options.allow_unattested:
        return False
    if SEVERITY_RANK[rule.severity] < SEVERITY_RANK[options.fail_on]:
        return False
    return not (options.only_in_force and effective is not None and not effective.in_force)


def _effective(
    rule: Rule, classification: ClassificationResult, options: EngineOptions
) -> EffectiveDate | None:
    spec = rule.effective
    if spec is None:
        return None
    if classification.route == "annex_i" and spec.annex_i is not None:
        spec = spec.annex_i
    amended = spec.amended
    use_amended = options.calendar == "amended" and amended is not None
    applies_from = amended.date if use_amended and amended else spec.date
    return EffectiveDate(
        applies_from=applies_from,
        in_force=options.as_of >= applies_from,
        date=spec.date,
        basis=spec.basis,
        amended_date=amended.date if amended else None,
        amended_basis=amended.basis if amended else None,
        amended_verified=amended.verified if amended else None,
        calendar=options.calendar,
    )


def _message(status: str, findings: list[Finding], attestations: list[AttestationInfo]) -> str:
    if status == "pass":
        attested = [a for a in attestations if a.problem is None and a.attested_by]
        if attested:
            a = attested[0]
            how = assurance_words(a.assurance)
            return f"attested by {a.attested_by} ({a.role or 'no role given'}) on {a.date}, {how}"
        return "all checks met"
    if not findings:
        return status
    first = findings[0]
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"expected {first.expected}; found {first.found}{more}"


def _entry_info(attestation: Any, seal: Any) -> AttestationInfo:
    """An attestation entry as recorded, with the assurance its signature (or none) gives it."""
    return _described(attestation, attestation.control, seal.problem, seal.level, seal)


def _attestation_info(use: Any) -> AttestationInfo:
    if use.attestation is None:
        return AttestationInfo(control=use.control, problem="no attestation")
    return _described(use.attestation, use.control, use.problem, use.assurance, use.seal)


def _described(
    attestation: Any, control: str, problem: str | None, assurance: str | None, seal: Any
) -> AttestationInfo:
    """An attestation as results show it; the key id only where the signature holds.

    Not validated again: each field comes typed from a validated attestation, seal or check
    (a system's rules cite its attestations some 300 times; tests/engine/test_compiled_rules.py
    holds what this makes to its validated self)."""
    return unvalidated(
        AttestationInfo,
        {
            "control": control,
            "attested_by": attestation.attested_by.name,
            "role": attestation.attested_by.role,
            "date": attestation.date,
            "statement": attestation.statement,
            "problem": problem,
            "assurance": assurance,
            "keyid": seal.keyid if seal is not None and assurance == "signed" else None,
        },
    )


def _waiver_info(entry: WaiverEntry, as_of: dt.date) -> WaiverInfo:
    waiver = entry.waiver
    return WaiverInfo(
        rule=entry.rule,
        reason=waiver.reason if waiver else entry.given_text("reason"),
        approved_by=waiver.approved_by if waiver else entry.given_text("approved_by"),
        expires=waiver.expires if waiver else entry.given_date(),
        state=entry.state(as_of),
        problem=entry.problem,
        manifest_line=entry.line,
    )


# ---------------------------------------------------------------------------------------------
# Applicability


def _flag(actual: bool, wanted: bool, what: str) -> tuple[bool, str]:
    """A yes/no applicability condition, with why it does or does not hold in words."""
    return actual == wanted, f"applies to {what}" if wanted else f"does not apply to {what}"


def applies(
    condition: Applicability | None, bundle: EvidenceBundle, classification: ClassificationResult
) -> tuple[bool, str]:
    """Whether a rule applies to this system, and if not, why not in one sentence."""
    if condition is None:
        return True, ""
    system = bundle.manifest.system
    checks: list[tuple[bool, str]] = []
    if condition.risk_tier is not None:
        checks.append(
            (
                classification.tier in condition.risk_tier,
                f"applies to risk tier {'/'.join(condition.risk_tier)}; "
                f"this system is {classification.tier}",
            )
        )
    if condition.role is not None:
        checks.append(
            (
                system.role in condition.role,
                f"applies to {'/'.join(condition.role)}s; this system's role is {system.role}",
            )
        )
    if condition.transparency is not None:
        triggers = set(bundle.manifest.classification.transparency)
        checks.append(
            (
                bool(triggers & set(condition.transparency)),
                f"applies to systems with Art.50 trigger {'/'.join(condition.transparency)}",
            )
        )
    if condition.gpai is not None:
        checks.append(_flag(classification.gpai, condition.gpai, "general-purpose AI models"))
    if condition.gpai_systemic_risk is not None:
        checks.append(
            (
                classification.gpai_systemic_risk == condition.gpai_systemic_risk,
                "applies to GPAI models with systemic risk",
            )
        )
    if condition.annex_iii is not None:
        point = classification.annex_iii or ""
        hit = classification.high_risk and any(
            point == p or point.startswith(f"{p}(") for p in condition.annex_iii
        )
        checks.append((hit, f"applies to Annex III {', '.join(condition.annex_iii)} systems"))
    if condition.public_authority is not None:
        checks.append(
            _flag(system.public_authority, condition.public_authority, "public authorities")
        )
    if condition.public_service is not None:
        what = "private entities providing public services"
        checks.append(_flag(system.public_service, condition.public_service, what))
    if condition.profiling is not None:
        profiles = bundle.manifest.classification.profiling
        what = "systems that profile natural persons"
        checks.append(_flag(profiles, condition.profiling, what))
    if condition.names_model is not None:
        what = "systems whose govern.yaml names the model weights (system.model)"
        checks.append(_flag(system.model is not None, condition.names_model, what))
    if condition.any is not None:
        outcomes = [applies(c, bundle, classification) for c in condition.any]
        checks.append(
            (
                any(ok for ok, _ in outcomes),
                "; or ".join(reason for ok, reason in outcomes if not ok),
            )
        )
    failed = [reason for ok, reason in checks if not ok]
    return (not failed, failed[0] if failed else "")


# ---------------------------------------------------------------------------------------------
# Evidence view and locations


def _evidence_view(bundle: EvidenceBundle, classification: ClassificationResult) -> dict[str, Any]:
    manifest = bundle.manifest
    answers = manifest.classification.model_dump()
    answers.update(tier=classification.tier, high_risk=classification.high_risk)
    system = manifest.system.model_dump(by_alias=True)
    if bundle.model_signature is not None and system.get("model") is not None:
        # What load/ found when it checked the model's signature (never re-checked here).
        system["model"]["signature_check"] = bundle.model_signature.model_dump()
    return {
        "system": system,
        "classification": answers,
        "model_card": (
            bundle.model_card.model.model_dump(by_alias=True) if bundle.model_card else MISSING
        ),
        "datasets": [item.model.model_dump(by_alias=True) for item in bundle.datasets],
        "fairness": [item.model.model_dump(by_alias=True) for item in bundle.fairness],
        "attestations": [a.model_dump(by_alias=True) for a in bundle.attestation_list()],
        "incidents": [item.model.model_dump(by_alias=True) for item in bundle.incidents],
        "post_market": bundle.post_market.model.model_dump() if bundle.post_market else MISSING,
        "fria": bundle.fria.model.model_dump() if bundle.fria else MISSING,
        "gpai": gpai_view(bundle),
        "evaluations": [item.model.model_dump(by_alias=True) for item in bundle.evaluations],
    }


@dataclass
class _Shared:
    """What one system's run makes once for all its rules: each cited path's file and position,
    each finding and observation made (findings are immutable, so rules citing the same value
    share one), the effective dates, and the evidence files each set of kinds reads."""

    at: dict[tuple[str | int, ...], tuple[SourceDocument, Location]] = field(default_factory=dict)
    findings: dict[LeafFinding, Finding] = field(default_factory=dict)
    # By (expectation, path, text): the value observed, kept to check it is the same one, and
    # its finding.
    observed: dict[tuple[str, tuple[str | int, ...], str | None], tuple[Any, Finding]] = field(
        default_factory=dict
    )
    # By the id of the observation: the observation and its finding.
    cited: dict[int, tuple[Observed, Finding]] = field(default_factory=dict)
    # By the id of the rule's application date (rules share the pack's dates).
    effective: dict[int, EffectiveDate | None] = field(default_factory=dict)
    documents: dict[tuple[str, ...], list[tuple[str, SourceDocument]]] = field(default_factory=dict)
    reads: dict[tuple[str, str, int | None], EvidenceRead] = field(default_factory=dict)
    # Whether rules apply, and why not, by their conditions' text (see CompiledRule.condition).
    applicable: dict[str, tuple[bool, str]] = field(default_factory=dict)

    def effective_date(
        self, rule: Rule, classification: ClassificationResult, options: EngineOptions
    ) -> EffectiveDate | None:
        key = id(rule.effective)
        if key not in self.effective:
            self.effective[key] = _effective(rule, classification, options)
        return self.effective[key]

    def applies(
        self, compiled: CompiledRule, bundle: EvidenceBundle, classification: ClassificationResult
    ) -> tuple[bool, str]:
        if compiled.condition is None:
            return True, ""
        answer = self.applicable.get(compiled.condition)
        if answer is None:
            answer = applies(compiled.rule.spec.applies_when, bundle, classification)
            self.applicable[compiled.condition] = answer
        return answer


def _finding(
    leaf: LeafFinding,
    bundle: EvidenceBundle,
    shared: _Shared | None = None,
) -> Finding:
    """The finding for a leaf, placed in its file. `shared` keeps the places and findings
    already made in this run: the rules of one system cite the same fields many times."""
    if shared is None:
        return _new_finding(leaf, bundle, _place(leaf.path, bundle))
    finding = shared.findings.get(leaf)
    if finding is None:
        placed = shared.at.get(leaf.path)
        if placed is None:
            placed = shared.at[leaf.path] = _place(leaf.path, bundle)
        finding = shared.findings[leaf] = _new_finding(leaf, bundle, placed)
    return finding


def _observation(seen: Observed, bundle: EvidenceBundle, shared: _Shared) -> Finding:
    """The finding for a value a passing check compared, worded once per value and expectation.

    It is kept by the observation's id as well (`shared.cited`, which `_assess_rule` looks in
    first): parts of checks answered once hand the very same observations to every rule that
    asks them."""
    key = (seen.expected, seen.path, seen.text)
    made = shared.observed.get(key)
    if made is not None and made[0] is seen.value:
        finding = made[1]
    else:
        finding = _finding(seen.finding(), bundle, shared)
        shared.observed[key] = (seen.value, finding)
    shared.cited[id(seen)] = (seen, finding)  # `seen` kept alive, so its id stays its own
    return finding


def _new_finding(
    leaf: LeafFinding, bundle: EvidenceBundle, placed: tuple[SourceDocument, Location]
) -> Finding:
    document, location = placed
    found = leaf.found
    if (
        document is bundle.manifest_document
        and leaf.path[:1] in _EVIDENCE_KEYS
        and not getattr(bundle, _EVIDENCE_KEYS[leaf.path[:1]])
    ):
        key = _EVIDENCE_KEYS[leaf.path[:1]]
        found += f" (govern.yaml lists no {key.replace('_', ' ')} file under evidence.{key})"
    elif document is bundle.manifest_document and leaf.path[:1] == ("gpai",):
        found += f" ({gpai_missing(leaf.path)})"
    return unvalidated(
        Finding,
        {"expected": leaf.expected, "found": found, "location": location, "status": leaf.status},
    )


def _place(path: tuple[str | int, ...], bundle: EvidenceBundle) -> tuple[SourceDocument, Location]:
    document, inner = _locate(path, bundle)
    position = document.locate(inner)
    location = unvalidated(
        Location,
        {
            "file": document.display,
            "line": position.line,
            "column": position.column,
            "field": _field_text(path),
            "sha256": document.sha256,
        },
    )
    return document, location


def _field_text(path: tuple[str | int, ...]) -> str:
    """`format_field_path(path)`, kept for the process (in a bounded table): every system's
    results cite the same few hundred fields. A cited path is made of the view's str keys and
    int indexes (from resolve's steps and enumerate), never bools, so equal paths spell alike."""
    text = _FIELD_TEXTS.get(path)
    if text is None:
        if len(_FIELD_TEXTS) >= _FIELD_TEXTS_MAX:
            _FIELD_TEXTS.clear()
        text = _FIELD_TEXTS[path] = format_field_path(path)
    return text


_FIELD_TEXTS: dict[tuple[str | int, ...], str] = {}
_FIELD_TEXTS_MAX = 16_384


_EVIDENCE_KEYS: dict[tuple[str | int, ...], str] = {
    ("model_card",): "model_card",
    ("datasets",): "datasets",
    ("fairness",): "fairness",
    ("attestations",): "attestations",
    ("incidents",): "incidents",
    ("post_market",): "post_market",
    ("fria",): "fria",
    ("evaluations",): "evaluations",
}


def _locate(
    path: tuple[str | int, ...], bundle: EvidenceBundle
) -> tuple[SourceDocument, tuple[str | int, ...]]:
    """Which file a concrete evidence path lives in, and the path inside that file."""
    manifest = bundle.manifest_document
    if not path:
        return manifest, ()
    root, rest = path[0], path[1:]
    if root in ("system", "classification"):
        return manifest, path
    if root == "model_card":
        if bundle.model_card is None:
            return manifest, ("evidence", "model_card")
        return bundle.model_card.document, rest
    if root in ("post_market", "fria"):
        single = bundle.post_market if root == "post_market" else bundle.fria
        if single is None:
            return manifest, ("evidence", str(root))
        return single.document, rest
    if root in ("datasets", "fairness", "incidents", "evaluations"):
        items = {
            "datasets": bundle.datasets,
            "fairness": bundle.fairness,
            "evaluations": bundle.evaluations,
        }.get(str(root), bundle.incidents)
        if rest and isinstance(rest[0], int) and rest[0] < len(items):
            return items[rest[0]].document, rest[1:]
        return manifest, ("evidence", str(root))
    if root == "attestations":
        if bundle.attestations is None:
            return manifest, ("evidence", "attestations")
        return bundle.attestations.document, path
    if root == "gpai":
        return locate_gpai(path, bundle)
    return manifest, ()


def _coverage(packs: PackSet, framework: str) -> Coverage | None:
    if framework not in FRAMEWORKS:
        return None
    measured = framework_coverage(packs, framework)
    return Coverage(
        obligations=measured.counted,
        automated=measured.counts.get("automated", 0),
        attestation=measured.counts.get("attestation", 0),
        via_points=measured.counts.get("via_points", 0),
        not_covered=measured.counts.get("not_covered", 0),
        covered_percent=round(100 * measured.covered_share, 1),
        automated_percent=round(100 * measured.automated_share, 1),
    )


def _summary(results: list[RuleResult], packs: PackSet) -> Summary:
    # The frameworks in the order their rules come, govern's own checks of the evidence last.
    names = sorted(
        dict.fromkeys(r.framework or r.pack for r in results), key=lambda n: n == "govern"
    )
    return summarize(results, {name: _coverage(packs, name) for name in names})
