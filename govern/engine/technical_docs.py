"""Drafts of the Annex IV technical documentation and the Annex V declaration, from an assessment.

A draft only says what the evidence shows: each point quotes the evidence a passing rule read
(file, line, sha256) or names the gap a failing one found (expected, found, where). A section no
rule documents is a gap too. The declaration states conformity nowhere: its Annex V point 4 names
the rules that still fail, or, when none does, leaves the statement to the provider's signatory
after the conformity assessment (Art.43, Art.47).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from govern.engine.assessment import Assessment, RuleResult
from govern.engine.gpai_view import gpai_view, locate_gpai
from govern.evidence.placeholders import has_value, is_placeholder
from govern.load.bundle import EvidenceBundle
from govern.load.documents import SourceDocument, format_field_path
from govern.policy.checks import Check, Present
from govern.policy.loader import PackSet
from govern.policy.paths import ITEM_ROOT, MISSING, EvidencePath, parse_path, resolve

PointStatus = Literal["documented", "gap", "not_applicable", "to_complete"]

ANNEX_IV_SECTIONS: tuple[tuple[str, str], ...] = (
    ("1", "General description of the AI system"),
    ("2", "Detailed description of the elements of the AI system and of its development"),
    ("3", "Monitoring, functioning and control of the AI system"),
    ("4", "Appropriateness of the performance metrics"),
    ("5", "Risk management system (Art.9)"),
    ("6", "Relevant changes made through the lifecycle"),
    ("7", "Harmonised standards and other solutions applied"),
    ("8", "Copy of the EU declaration of conformity (Art.47)"),
    ("9", "Post-market monitoring: performance evaluation system and plan (Art.72)"),
)

# Statuses of a rule whose requirement the evidence does not (yet) meet.
_GAP_STATUSES = frozenset({"fail", "error", "needs_attestation", "waived"})
_VALUE_LIMIT = 400
EU = "eu-ai-act"


@dataclass(frozen=True)
class Quote:
    """A value of the evidence that documents a point, and where it was read."""

    field: str
    value: str
    file: str
    line: int
    sha256: str


@dataclass(frozen=True)
class Missing:
    """What a point lacks: the expectation, what was found, and where it belongs."""

    expected: str
    found: str
    file: str
    line: int


@dataclass(frozen=True)
class Point:
    """One rule's (or one Annex V field's) contribution to a section."""

    title: str
    status: PointStatus
    provisions: tuple[str, ...] = ()
    rule_id: str | None = None
    note: str = ""
    quotes: tuple[Quote, ...] = ()
    missing: tuple[Missing, ...] = ()


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    obligation: str
    points: tuple[Point, ...]

    @property
    def gaps(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.status == "gap")

    @property
    def applicable(self) -> bool:
        return any(p.status != "not_applicable" for p in self.points)


@dataclass(frozen=True)
class Source:
    kind: str
    path: str
    sha256: str


@dataclass(frozen=True)
class Draft:
    """A document drafted from one assessment: never signed, never a statement of conformity."""

    kind: Literal["annex-iv", "declaration"]
    title: str
    system_name: str
    system_id: str
    system_version: str
    tier: str
    as_of: dt.date
    calendar: str
    verdict: str
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]

    @property
    def gaps(self) -> int:
        return sum(len(section.gaps) for section in self.sections)


# ---------------------------------------------------------------------------------------------
# Annex IV


def annex_iv(assessment: Assessment, bundle: EvidenceBundle, packs: PackSet) -> Draft:
    """The nine sections of Annex IV, each point a rule of the EU pack that cites the section."""
    from govern.reference import load_catalogue

    catalogue = load_catalogue(EU)
    rules = {rule.id: rule for rule in packs.rules}
    view = _view(bundle)
    sections = []
    for number, title in ANNEX_IV_SECTIONS:
        provision = f"AnnexIV.{number}"
        points = [
            _rule_point(result, rules[result.rule_id].check, view, bundle, provision)
            for result in assessment.results
            if result.framework == EU and result.rule_id in rules and _cites(result, provision)
        ]
        if not points:
            points = [
                Point(
                    title=f"No rule of the loaded EU AI Act pack documents {provision}",
                    status="gap",
                    provisions=(provision,),
                    note="add the documentation and a rule that checks it, or document it "
                    "outside govern",
                )
            ]
        obligation = catalogue.provisions[provision].title if provision in catalogue else ""
        sections.append(Section(number, title, obligation, tuple(points)))
    return _draft("annex-iv", "Technical documentation (Annex IV)", assessment, bundle, sections)


def _cites(result: RuleResult, provision: str) -> bool:
    return any(p == provision or p.startswith(f"{provision}(") for p in result.refs.get(EU, []))


def _rule_point(
    result: RuleResult,
    check: Check,
    view: dict[str, Any],
    bundle: EvidenceBundle,
    provision: str,
) -> Point:
    provisions = tuple(p for p in result.refs.get(EU, []) if _cites_section(p, provision))
    base = dict(title=result.title, provisions=provisions, rule_id=result.rule_id)
    if result.status == "not_applicable":
        return Point(**base, status="not_applicable", note=result.message)  # type: ignore[arg-type]
    quotes = tuple(_quotes(check, view, bundle))
    quotes += tuple(
        _attestation_quote(
            a.control, f"{a.statement or ''} (attested by {a.attested_by}, {a.date})", bundle
        )
        for a in result.attestations
        if a.problem is None and a.attested_by
    )
    if result.status in _GAP_STATUSES:
        missing = tuple(
            Missing(f.expected, f.found, f.location.file, f.location.line) for f in result.findings
        )
        note = result.message if result.status == "waived" or not missing else ""
        effective = result.effective
        if effective is not None and not effective.in_force:
            note = f"{note}; " if note else ""
            note += f"not yet in force: applies from {effective.applies_from}"
        return Point(**base, status="gap", note=note, quotes=quotes, missing=missing)  # type: ignore[arg-type]
    return Point(**base, status="documented", quotes=quotes)  # type: ignore[arg-type]


def _attestation_quote(control: str, text: str, bundle: EvidenceBundle) -> Quote:
    """An attestation a rule rests on, at its entry in the attestations file."""
    item = bundle.attestations
    if item is None:
        return Quote(f"attestation {control}", text, "", 0, "")
    index = next((i for i, a in enumerate(bundle.attestation_list()) if a.control == control), None)
    line = item.document.locate(("attestations", index)).line if index is not None else 0
    return Quote(f"attestation {control}", text, item.path, line, item.sha256)


def _cites_section(provision: str, section: str) -> bool:
    return provision == section or provision.startswith(f"{section}(")


# ---------------------------------------------------------------------------------------------
# Evidence quotes


def _view(bundle: EvidenceBundle) -> dict[str, Any]:
    """The evidence as checks read it (the same roots as the engine's evidence view)."""
    return {
        "model_card": bundle.model_card.model.model_dump(by_alias=True)
        if bundle.model_card
        else MISSING,
        "datasets": [item.model.model_dump(by_alias=True) for item in bundle.datasets],
        "fairness": [item.model.model_dump(by_alias=True) for item in bundle.fairness],
        "gpai": gpai_view(bundle),
    }


def _paths(node: object) -> Iterator[EvidencePath]:
    """Every evidence path a compiled check reads, outermost first, `item` paths left out."""
    if isinstance(node, EvidencePath):
        if node.root != ITEM_ROOT:
            yield node
    elif isinstance(node, Check) or dataclasses.is_dataclass(node):
        for item in dataclasses.fields(node):
            yield from _paths(getattr(node, item.name))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _paths(item)


def _quotes(check: Check, view: dict[str, Any], bundle: EvidenceBundle) -> Iterator[Quote]:
    seen: set[tuple[str | int, ...]] = set()
    for path in _paths(check):
        if path.root not in view:
            continue
        for leaf in resolve(path, view):
            if leaf.value is MISSING or not has_value(leaf.value) or leaf.path in seen:
                continue
            seen.add(leaf.path)
            located = _locate(leaf.path, bundle)
            if located is None:
                continue
            document, inner = located
            yield Quote(
                field=format_field_path(leaf.path),
                value=_show(leaf.value),
                file=document.display,
                line=document.locate(inner).line,
                sha256=document.sha256,
            )


def _locate(
    path: tuple[str | int, ...], bundle: EvidenceBundle
) -> tuple[SourceDocument, tuple[str | int, ...]] | None:
    root, rest = path[0], path[1:]
    if root == "model_card" and bundle.model_card is not None:
        return bundle.model_card.document, rest
    if root in ("datasets", "fairness") and rest and isinstance(rest[0], int):
        items = bundle.datasets if root == "datasets" else bundle.fairness
        if rest[0] < len(items):
            return items[rest[0]].document, rest[1:]
    if root == "gpai":
        return locate_gpai(path, bundle)
    return None


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = "; ".join(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 3] + "..."


def _draft(
    kind: Literal["annex-iv", "declaration"],
    title: str,
    assessment: Assessment,
    bundle: EvidenceBundle,
    sections: list[Section],
) -> Draft:
    system = assessment.system
    return Draft(
        kind=kind,
        title=title,
        system_name=system.name,
        system_id=system.id,
        system_version=system.version,
        tier=assessment.classification.label,
        as_of=assessment.options.as_of,
        calendar=assessment.options.calendar,
        verdict=assessment.summary.verdict,
        sections=tuple(sections),
        sources=(
            Source("manifest", bundle.manifest_document.display, bundle.manifest_document.sha256),
            *(Source(item.kind, item.path, item.sha256) for item in bundle.files),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Annex V


def declaration(assessment: Assessment, bundle: EvidenceBundle) -> Draft:
    """The eight Annex V fields, filled from the evidence; conformity is never stated for the
    provider: point 4 names what still fails, or leaves the statement to the signatory."""
    card = bundle.model_card.model if bundle.model_card else None
    view = _view(bundle)
    points = [
        _identification(assessment, view, bundle),
        _fields_point(
            "AnnexV.2",
            "Name and address of the provider (or its authorised representative)",
            ("model_card.provider.name", "model_card.provider.address"),
            view,
            bundle,
            optional=("model_card.provider.authorised_representative",),
        ),
        _responsibility(card),
        _conformity(assessment),
        _personal_data(bundle),
        _fields_point(
            "AnnexV.6",
            "Harmonised standards or common specifications in relation to which conformity "
            "is declared",
            ("model_card.conformity.standards",),
            view,
            bundle,
            note="govern does not check whether a standard is cited in the Official Journal "
            "(only cited harmonised standards give a presumption of conformity, Art.40)",
        ),
        _notified_body(view, bundle),
        Point(
            title="Place and date of issue, name and function of the signatory, on whose "
            "behalf, signature",
            status="to_complete",
            provisions=("AnnexV.8",),
            note="for the provider's signatory to complete; govern never signs a declaration",
        ),
    ]
    sections = [
        Section(
            point.provisions[0].removeprefix("AnnexV."),
            point.title,
            _obligation(point.provisions[0]),
            (point,),
        )
        for point in points
    ]
    return _draft(
        "declaration", "EU declaration of conformity (Annex V)", assessment, bundle, sections
    )


def _obligation(provision: str) -> str:
    from govern.reference import load_catalogue

    catalogue = load_catalogue(EU)
    return catalogue.provisions[provision].title if provision in catalogue else ""


def _fields_point(
    provision: str,
    title: str,
    required: tuple[str, ...],
    view: dict[str, Any],
    bundle: EvidenceBundle,
    optional: tuple[str, ...] = (),
    note: str = "",
) -> Point:
    quotes: list[Quote] = []
    missing: list[Missing] = []
    for text in (*required, *optional):
        path = parse_path(text)
        found = [q for q in _quotes_of(path, view, bundle) if not _placeholder(q.value)]
        quotes.extend(found)
        if not found and text in required:
            missing.append(_missing(path, bundle))
    status: PointStatus = "gap" if missing else "documented"
    return Point(
        title=title,
        status=status,
        provisions=(provision,),
        note=note,
        quotes=tuple(quotes),
        missing=tuple(missing),
    )


def _quotes_of(path: EvidencePath, view: dict[str, Any], bundle: EvidenceBundle) -> list[Quote]:
    return list(_quotes(Present(path), view, bundle))


def _placeholder(value: str) -> bool:
    return is_placeholder(value)


def _missing(path: EvidencePath, bundle: EvidenceBundle) -> Missing:
    steps = tuple(step.key for step in path.steps if step.kind == "key")
    located = _locate(steps, bundle)
    if located is None:
        document = bundle.manifest_document
        return Missing(f"{path} is filled in", "missing", document.display, 1)
    document, inner = located
    return Missing(f"{path} is filled in", "missing", document.display, document.locate(inner).line)


def _identification(assessment: Assessment, view: dict[str, Any], bundle: EvidenceBundle) -> Point:
    system = assessment.system
    manifest = bundle.manifest_document
    quotes = [
        Quote(f"system.{key}", value, manifest.display, manifest.locate(("system", key)).line,
              manifest.sha256)
        for key, value in (("name", system.name), ("id", system.id), ("version", system.version))
    ]  # fmt: skip
    for text in ("model_card.identity.name", "model_card.identity.model_id"):
        quotes.extend(q for q in _quotes_of(parse_path(text), view, bundle))
    return Point(
        title="AI system name and type, and any additional unambiguous reference allowing its "
        "identification and traceability",
        status="documented",
        provisions=("AnnexV.1",),
        note=f"type: {assessment.classification.label}",
        quotes=tuple(quotes),
    )


def _responsibility(card: Any) -> Point:
    provider = getattr(getattr(card, "provider", None), "name", None)
    if provider is None or _placeholder(provider):
        return Point(
            title="Statement that the declaration is issued under the sole responsibility of "
            "the provider",
            status="gap",
            provisions=("AnnexV.3",),
            note="the provider's name is missing (model_card.provider.name)",
        )
    return Point(
        title="Statement that the declaration is issued under the sole responsibility of the "
        "provider",
        status="to_complete",
        provisions=("AnnexV.3",),
        note=f"Proposed wording: 'This declaration of conformity is issued under the sole "
        f"responsibility of {provider.rstrip('.')}.' The signatory confirms it.",
    )


def _conformity(assessment: Assessment) -> Point:
    title = (
        "Statement that the AI system conforms with Regulation (EU) 2024/1689 and any other "
        "relevant Union law"
    )
    eu = [r for r in assessment.results if r.framework == EU]
    open_rules = [r for r in eu if r.status in _GAP_STATUSES]
    if open_rules:
        missing = tuple(
            Missing(
                f"{r.rule_id} ({r.title}) is met",
                f"{r.status}: {r.message}",
                r.findings[0].location.file if r.findings else "",
                r.findings[0].location.line if r.findings else 0,
            )
            for r in open_rules
        )
        return Point(
            title=title,
            status="gap",
            provisions=("AnnexV.4",),
            note=f"not stated: {len(open_rules)} rule(s) of the EU AI Act pack are not met on "
            f"{assessment.options.as_of}; conformity cannot be declared on this evidence",
            missing=missing,
        )
    passed = sum(r.status == "pass" for r in eu)
    return Point(
        title=title,
        status="to_complete",
        provisions=("AnnexV.4",),
        note=f"govern found no unmet rule of the EU AI Act pack on {assessment.options.as_of} "
        f"({passed} met, {len(eu) - passed} not applicable). That is not a conformity "
        "assessment: the provider states conformity only after the procedure of Art.43 and "
        "for the requirements no rule checks.",
    )


def _personal_data(bundle: EvidenceBundle) -> Point:
    title = (
        "Where personal data is processed, a statement that the system complies with "
        "Regulations (EU) 2016/679 and 2018/1725 and Directive (EU) 2016/680"
    )
    answers = [
        getattr(getattr(item.model, "personal_data", None), "contains_personal_data", None)
        for item in bundle.datasets
    ]
    if any(answer is True for answer in answers):
        return Point(
            title=title,
            status="to_complete",
            provisions=("AnnexV.5",),
            note="the dataset records say personal data is processed: the signatory states "
            "compliance with data protection law, which govern does not assess",
        )
    if answers and all(answer is False for answer in answers):
        return Point(
            title=title,
            status="not_applicable",
            provisions=("AnnexV.5",),
            note="the dataset records say no personal data is processed",
        )
    return Point(
        title=title,
        status="gap",
        provisions=("AnnexV.5",),
        note="unknown whether personal data is processed: answer "
        "personal_data.contains_personal_data in every dataset record",
    )


def _notified_body(view: dict[str, Any], bundle: EvidenceBundle) -> Point:
    title = (
        "Where applicable, the notified body, the conformity assessment procedure performed "
        "and the certificate"
    )
    procedure = _quotes_of(parse_path("model_card.conformity.assessment_procedure"), view, bundle)
    body = _quotes_of(parse_path("model_card.conformity.notified_body"), view, bundle)
    procedure = [q for q in procedure if not _placeholder(q.value)]
    if not procedure:
        return Point(
            title=title,
            status="gap",
            provisions=("AnnexV.7",),
            missing=(_missing(parse_path("model_card.conformity.assessment_procedure"), bundle),),
        )
    note = "" if body else "no notified body is named (model_card.conformity.notified_body)"
    return Point(
        title=title,
        status="documented",
        provisions=("AnnexV.7",),
        note=note,
        quotes=(*procedure, *body),
    )
