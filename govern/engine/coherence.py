"""Built-in GOVERN-COHERENCE-* rules: the evidence checked against itself.

Every pack rule reads one file's fields in isolation, so another system's model card, dataset
records and fairness report copied into a folder pass them all. These rules compare the files with
each other and with govern.yaml; each finding names both sides (file:line and field of each value),
because the auditor has to see which of the two documents is wrong. They live in the engine, not in
a pack, because they need cross-file positions and a digest of the predictions file, which the
policy language (one path, one value) cannot express.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from govern.engine.assessment import AttestationInfo, Finding, Location, RuleResult
from govern.load.bundle import EvidenceBundle, EvidenceItem
from govern.load.documents import SourceDocument, format_field_path

Severity = Literal["critical", "high", "medium", "low"]
FindAttestation = Callable[[str], list[tuple[int, Any]]]

# How summaries title the results of pack `govern` that belong to no framework.
TITLE = "Evidence coherence"

# The attestation control that settles a flagged purpose mismatch (the card and govern.yaml may
# describe one use in different words; only a person can say so).
PURPOSE_CONTROL = "purpose_coherence"
# Dataset roles whose data must exist before the release they trained or tested.
_PRE_RELEASE_ROLES = {"training", "validation", "testing", "fine_tuning"}


@dataclass(frozen=True)
class Side:
    """One value in one file, with where it sits, for messages naming both sides."""

    document: SourceDocument
    path: tuple[str | int, ...]
    value: object

    @property
    def where(self) -> str:
        line = self.document.locate(self.path).line
        return f"{self.document.display}:{line} {format_field_path(self.path)}"

    def location(self) -> Location:
        position = self.document.locate(self.path)
        return Location(
            file=self.document.display,
            line=position.line,
            column=position.column,
            field=format_field_path(self.path),
            sha256=self.document.sha256,
        )


@dataclass
class _Rule:
    id: str
    title: str
    severity: Severity
    blocking: bool
    refs: dict[str, list[str]]
    remediation: str
    findings: list[Finding] = field(default_factory=list)
    compared: int = 0
    pending_attestation: bool = False

    def mismatch(self, found: Side, other: Side | None, expected: str, found_text: str) -> None:
        """A finding located at `found`, its expectation naming `other` (the second side)."""
        if other is not None:
            expected = f"{expected} (as {other.where})"
        self.findings.append(
            Finding(
                expected=expected,
                found=f"{found_text} (at {found.where})",
                location=found.location(),
                status="fail",
            )
        )


def coherence_results(
    bundle: EvidenceBundle,
    as_of: dt.date,
    max_age_days: int | None,
    find_attestation: FindAttestation,
    gates: Callable[[Severity, bool, str], bool],
) -> list[RuleResult]:
    """The GOVERN-COHERENCE-* results for one system, in a fixed order.

    `max_age_days` is the pack set's evidence freshness limit (None: none set); `gates` decides,
    with the run's --fail-on and --allow-unattested, whether a status blocks the verdict.
    """
    rules = [
        _identity(bundle),
        _datasets(bundle),
        _fairness(bundle),
        _evaluation_datasets(bundle),
        _dates(bundle, as_of, max_age_days),
        _purpose(bundle),
    ]
    return [_result(rule, find_attestation, gates) for rule in rules]


# ---------------------------------------------------------------------------------------------
# The rules


def _identity(bundle: EvidenceBundle) -> _Rule:
    rule = _Rule(
        "GOVERN-COHERENCE-IDENTITY",
        "The model card documents the system govern.yaml names (name and version), and every "
        "digest given for the released model is the same",
        "critical",
        True,
        {"eu-ai-act": ["Art.11(1)"], "iso-42001": ["7.5.3", "A.6.2.7"]},
        "Make the model card's identity.name and identity.version those of the system in "
        "govern.yaml (or point evidence.model_card at this system's own card), and give one "
        "digest for the released weights: system.release.weights_digest, system.model.digest "
        "and the digest the model's signature covers must agree.",
    )
    _model_digests(rule, bundle)
    card = bundle.model_card
    if card is None or card.model.identity is None:
        return rule
    manifest = bundle.manifest_document
    system = bundle.manifest.system
    identity = card.model.identity
    for key, ours in (("name", system.name), ("version", system.version)):
        theirs = getattr(identity, key)
        if theirs is None:
            continue
        rule.compared += 1
        if _norm(theirs) != _norm(ours):
            rule.mismatch(
                _card_side(card, ("identity", key), theirs),
                Side(manifest, ("system", key), ours),
                f"{key} {ours!r}",
                f"{key} {theirs!r}",
            )
    return rule


def _model_digests(rule: _Rule, bundle: EvidenceBundle) -> None:
    """The released weights named in two places of govern.yaml (issue 19's system.release and
    issue 21's system.model), and by the signature govern verified, must be one model."""
    manifest = bundle.manifest_document
    system = bundle.manifest.system
    sides: list[tuple[Side, str]] = []
    if system.release is not None and system.release.weights_digest:
        path = ("system", "release", "weights_digest")
        sides.append((Side(manifest, path, system.release.weights_digest), "release weights"))
    if system.model is not None and system.model.digest:
        sides.append((Side(manifest, ("system", "model", "digest"), system.model.digest), "model"))
    verified = bundle.model_signature
    if verified is not None and verified.status == "verified" and verified.digest:
        where = ("system", "model", "signature")
        sides.append((Side(manifest, where, verified.digest), "signed model"))
    if len(sides) < 2:
        return
    first, first_label = sides[0]
    for other, label in sides[1:]:
        rule.compared += 1
        if _digest(other.value) != _digest(first.value):
            rule.mismatch(
                other,
                first,
                f"{first_label} digest {_digest(first.value)}",
                f"{label} digest {_digest(other.value)}",
            )


def _digest(value: object) -> str:
    text = str(value).strip().lower()
    return text.removeprefix("sha256:")


def _datasets(bundle: EvidenceBundle) -> _Rule:
    rule = _Rule(
        "GOVERN-COHERENCE-DATASETS",
        "Every dataset the model card lists has a record, and every record is listed",
        "high",
        True,
        {"eu-ai-act": ["Art.10(2)(b)", "Art.11(1)"], "iso-42001": ["A.7.5"]},
        "List each dataset record under the model card's datasets (same id, version and sha256) "
        "and add a record under evidence.datasets for each dataset the card lists.",
    )
    card = bundle.model_card
    if card is None:
        return rule
    records = _records_by_id(bundle.datasets)
    listed = list(card.model.datasets)
    for i, ref in enumerate(listed):
        rule.compared += 1
        side = _card_side(card, ("datasets", i, "id"), ref.id)
        record = records.get(ref.id)
        if record is None:
            rule.mismatch(
                side,
                Side(bundle.manifest_document, ("evidence", "datasets"), None),
                f"a dataset record with id {ref.id!r}",
                "no such record",
            )
            continue
        for key, theirs in (("version", ref.version), ("sha256", ref.sha256)):
            ours = _record_value(record, key)
            if theirs is None or ours is None:
                continue
            rule.compared += 1
            if str(theirs).lower() not in {str(v).lower() for v in _as_list(ours)}:
                rule.mismatch(
                    _card_side(card, ("datasets", i, key), theirs),
                    Side(record.document, _record_path(record, key), ours),
                    f"{key} {_short(ours)}",
                    f"{key} {_short(theirs)}",
                )
    card_ids = {ref.id for ref in listed}
    for record in bundle.datasets:
        rule.compared += 1
        if record.model.id not in card_ids:
            rule.mismatch(
                Side(record.document, ("id",), record.model.id),
                _card_side(card, ("datasets",), None),
                f"dataset {record.model.id!r} listed in the model card",
                "a record no model card dataset refers to",
            )
    return rule


def _fairness(bundle: EvidenceBundle) -> _Rule:
    rule = _Rule(
        "GOVERN-COHERENCE-FAIRNESS",
        "Fairness reports measure this model version on a recorded dataset, from the "
        "predictions file they name",
        "high",
        True,
        {"eu-ai-act": ["Art.10(2)(f)", "Art.15(1)"], "iso-42001": ["A.6.2.4"]},
        "Re-run `govern fairness` on this release's predictions for a recorded evaluation "
        "dataset, or correct model_version / dataset in the report.",
    )
    card = bundle.model_card
    records = _records_by_id(bundle.datasets)
    card_ids = {ref.id for ref in card.model.datasets} if card is not None else set()
    version = card.model.identity.version if card is not None and card.model.identity else None
    for report in bundle.fairness:
        model = report.model
        if model.model_version is not None and card is not None and version is not None:
            rule.compared += 1
            if _norm(model.model_version) != _norm(version):
                rule.mismatch(
                    Side(report.document, ("model_version",), model.model_version),
                    _card_side(card, ("identity", "version"), version),
                    f"model version {version!r}",
                    f"model version {model.model_version!r}",
                )
        if model.dataset is not None and (card is not None or bundle.datasets):
            rule.compared += 1
            if model.dataset not in records and model.dataset not in card_ids:
                rule.mismatch(
                    Side(report.document, ("dataset",), model.dataset),
                    Side(bundle.manifest_document, ("evidence", "datasets"), None),
                    "a dataset with a record or listed in the model card",
                    f"dataset {model.dataset!r}",
                )
        _predictions(rule, report, bundle)
    return rule


def _predictions(rule: _Rule, report: EvidenceItem, bundle: EvidenceBundle) -> None:
    """The predictions' sha256 against the file itself (when it is in the system folder) and
    against any dataset record that lists the same path."""
    source = report.model.source
    side = Side(report.document, ("source", "sha256"), source.sha256)
    digest = bundle.source_digests.get(source.path)  # hashed once, when the system was loaded
    if digest is not None:
        rule.compared += 1
        if digest != source.sha256:
            rule.findings.append(
                Finding(
                    expected=f"sha256 {source.sha256[:12]}... (as {side.where})",
                    found=f"{source.path} hashes to {digest[:12]}... (the file "
                    "changed after the report was written)",
                    location=side.location(),
                    status="fail",
                )
            )
    for record in bundle.datasets:
        for j, item in enumerate(getattr(record.model, "files", None) or []):
            if item.path != source.path or item.sha256 is None:
                continue
            rule.compared += 1
            if item.sha256.lower() != source.sha256:
                rule.mismatch(
                    side,
                    Side(record.document, ("files", j, "sha256"), item.sha256),
                    f"sha256 {item.sha256[:12]}...",
                    f"sha256 {source.sha256[:12]}...",
                )


def _evaluation_datasets(bundle: EvidenceBundle) -> _Rule:
    rule = _Rule(
        "GOVERN-COHERENCE-EVALUATION-DATASETS",
        "Each evaluation result names a dataset the evidence documents",
        "medium",
        False,
        {"eu-ai-act": ["Art.10(1)", "Art.15(1)"], "iso-42001": ["A.7.5"]},
        "Name the evaluation dataset by the id of its record (add a record under "
        "evidence.datasets for it) or by an id the model card lists under datasets.",
    )
    card = bundle.model_card
    if card is None:
        return rule
    known = set(_records_by_id(bundle.datasets)) | {ref.id for ref in card.model.datasets}
    for i, result in enumerate(card.model.evaluation):
        if result.dataset is None:
            continue
        rule.compared += 1
        if result.dataset not in known:
            rule.mismatch(
                _card_side(card, ("evaluation", i, "dataset"), result.dataset),
                Side(bundle.manifest_document, ("evidence", "datasets"), None),
                "the id of a dataset record or of a dataset the card lists",
                f"dataset {_short(result.dataset)}",
            )
    return rule


def _dates(bundle: EvidenceBundle, as_of: dt.date, max_age_days: int | None) -> _Rule:
    limit = f" or older than {max_age_days} days" if max_age_days is not None else ""
    rule = _Rule(
        "GOVERN-COHERENCE-DATES",
        "Evidence is not dated after the release it documents" + limit,
        "high",
        True,
        {"eu-ai-act": ["Art.11(1)", "Art.9(2)"], "iso-42001": ["7.5.3"]},
        "Date the evidence of this release before its release date (evaluations, training and "
        "test data), refresh evaluations older than the pack set's freshness limit, or correct "
        "identity.release_date.",
    )
    card = bundle.model_card
    if card is None:
        return rule
    identity = card.model.identity
    release = identity.release_date if identity is not None else None
    release_side = _card_side(card, ("identity", "release_date"), release)
    oldest = as_of - dt.timedelta(days=max_age_days) if max_age_days is not None else None
    for i, result in enumerate(card.model.evaluation):
        if result.date is None:
            continue
        side = _card_side(card, ("evaluation", i, "date"), result.date)
        rule.compared += 1
        if release is not None and result.date > release:
            rule.mismatch(side, release_side, f"on or before release {release}", str(result.date))
        if oldest is not None and result.date < oldest:
            rule.mismatch(
                side,
                None,
                f"an evaluation from {oldest} or later (the freshness limit is "
                f"{max_age_days} days before {as_of})",
                str(result.date),
            )
    if release is None:
        return rule
    roles = {ref.id: ref.role for ref in card.model.datasets}
    for record in bundle.datasets:
        published = getattr(record.model, "published", None)
        record_roles = set(getattr(record.model, "roles", None) or []) | {
            roles.get(record.model.id)
        }
        if not isinstance(published, dt.date) or not record_roles & _PRE_RELEASE_ROLES:
            continue
        rule.compared += 1
        if published > release:
            rule.mismatch(
                Side(record.document, ("published",), published),
                release_side,
                f"training or test data published on or before release {release}",
                str(published),
            )
    return rule


def _purpose(bundle: EvidenceBundle) -> _Rule:
    rule = _Rule(
        "GOVERN-COHERENCE-PURPOSE",
        "The intended purpose and Annex III answer agree with the model card's stated use",
        "high",
        True,
        {"eu-ai-act": ["Art.6(2)", "Art.13(3)(b)"], "iso-42001": ["A.6.2.7"]},
        "Make govern.yaml's intended_purpose and classification.annex_iii describe the use the "
        f"model card states, or attest (control {PURPOSE_CONTROL}) that they describe one use.",
    )
    card = bundle.model_card
    if card is None or card.model.intended_purpose is None:
        return rule
    purpose = card.model.intended_purpose
    card_text = " ".join(
        [
            purpose.description or "",
            purpose.deployment_context or "",
            purpose.decisions_supported or "",
            *purpose.users,
            *purpose.affected_persons,
        ]
    )
    if not card_text.strip():
        return rule
    manifest = bundle.manifest_document
    system = bundle.manifest.system
    card_side = _card_side(card, ("intended_purpose", "description"), purpose.description)
    ours, theirs = _stems(system.intended_purpose), _stems(card_text)
    rule.compared += 1
    if ours and len(ours & theirs) / len(ours) < _PURPOSE_OVERLAP:
        rule.mismatch(
            card_side,
            Side(manifest, ("system", "intended_purpose"), system.intended_purpose),
            f"the use govern.yaml states: {_short(system.intended_purpose)}",
            f"a different stated use: {_short(purpose.description or card_text)}",
        )
    answer = bundle.manifest.classification.annex_iii
    answer_side = Side(manifest, ("classification", "annex_iii"), answer)
    mentioned = _annex_iii_areas(card_text)
    rule.compared += 1
    if isinstance(answer, str) and (area := answer.split("(")[0].strip()) in _ANNEX_III_TERMS:
        if area not in mentioned:
            rule.mismatch(
                card_side,
                answer_side,
                f"a stated use within Annex III point {area} (annex_iii: {answer})",
                "a stated use naming none of that point's subjects",
            )
    elif answer is None and mentioned:
        area = sorted(mentioned)[0]
        rule.mismatch(
            card_side,
            answer_side,
            "a stated use outside Annex III (annex_iii: null)",
            f"a stated use mentioning {mentioned[area]!r} (Annex III point {area})",
        )
    rule.pending_attestation = bool(rule.findings)
    return rule


# ---------------------------------------------------------------------------------------------
# Results


def _result(
    rule: _Rule, find_attestation: FindAttestation, gates: Callable[[Severity, bool, str], bool]
) -> RuleResult:
    attestations: list[AttestationInfo] = []
    if not rule.compared:
        status = "not_applicable"
        message = "nothing to compare: the evidence it relates is absent"
    elif not rule.findings:
        status = "pass"
        message = f"{rule.compared} comparison(s) agree"
    elif rule.pending_attestation:
        attested = [a for _, a in find_attestation(PURPOSE_CONTROL)]
        attestations = [
            AttestationInfo(
                control=PURPOSE_CONTROL,
                attested_by=a.attested_by.name,
                role=a.attested_by.role,
                date=a.date,
                statement=a.statement,
            )
            for a in attested
        ]
        status = "pass" if attested else "needs_attestation"
        message = _message(rule.findings) + (
            "; attested as one use" if attested else f"; needs attestation {PURPOSE_CONTROL}"
        )
    else:
        status = "fail"
        message = _message(rule.findings)
    first = rule.findings[0].location.line if rule.findings else 1
    return RuleResult(
        rule_id=rule.id,
        title=rule.title,
        pack="govern",
        framework=None,
        refs=rule.refs,
        severity=rule.severity,
        blocking=rule.blocking,
        gating=gates(rule.severity, rule.blocking, status),
        status=status,
        automated=True,
        message=message,
        findings=rule.findings,
        remediation=rule.remediation,
        attestations=attestations,
        rule_file="builtin:govern/coherence",
        rule_line=first,
        check=f"{rule.title}: each value agrees with its counterpart in the other evidence file",
        expected=f"{rule.title}: each value agrees with its counterpart in the other evidence file",
        found=message,
    )


def _message(findings: Sequence[Finding]) -> str:
    first = findings[0]
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"expected {first.expected}; found {first.found}{more}"


# ---------------------------------------------------------------------------------------------
# Helpers


def _card_side(card: EvidenceItem, path: tuple[str | int, ...], value: object) -> Side:
    return Side(card.document, path, value)


def _records_by_id(items: Iterable[EvidenceItem]) -> dict[str, EvidenceItem]:
    return {item.model.id: item for item in items}


def _record_value(record: EvidenceItem, key: str) -> object:
    if key == "sha256":
        files = getattr(record.model, "files", None) or []
        digests = [f.sha256 for f in files if getattr(f, "sha256", None)]
        return digests or None
    return getattr(record.model, key, None)


def _record_path(record: EvidenceItem, key: str) -> tuple[str | int, ...]:
    return ("files",) if key == "sha256" else (key,)


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def _short(value: object, limit: int = 80) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _norm(value: str) -> str:
    return " ".join(value.casefold().split())


# Share of govern.yaml's purpose words (stems) that the card's stated use must share.
_PURPOSE_OVERLAP = 0.2
_STOP = frozenset(
    [
        "about",
        "after",
        "also",
        "and",
        "any",
        "are",
        "based",
        "before",
        "being",
        "both",
        "but",
        "can",
        "cannot",
        "each",
        "for",
        "from",
        "has",
        "have",
        "into",
        "its",
        "may",
        "more",
        "not",
        "one",
        "only",
        "other",
        "over",
        "own",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "use",
        "used",
        "uses",
        "using",
        "when",
        "where",
        "which",
        "while",
        "who",
        "with",
        "within",
        "without",
    ]
)


def _stems(text: str) -> set[str]:
    """Content words cut to five letters: `customers'`, `customer` -> `custo`; crude, but it
    tells two descriptions of one use from descriptions of two uses."""
    words = re.findall(r"[a-z][a-z0-9-]{3,}", text.casefold())
    return {w[:5] for w in words if w not in _STOP}


# Words that place a stated use in an Annex III point (Regulation (EU) 2024/1689, Annex III).
_ANNEX_III_TERMS: dict[str, tuple[str, ...]] = {
    "1": ("biometric", "facial recognition", "emotion recognition"),
    "2": ("critical infrastructure", "road traffic", "water supply", "electricity supply"),
    "3": ("education", "vocational training", "student", "admission", "exam", "examination"),
    "4": ("recruit", "employment", "job applicant", "candidate", "worker", "promotion"),
    "5": (
        "credit",
        "creditworthiness",
        "loan",
        "insurance",
        "public assistance",
        "benefit",
        "emergency call",
    ),
    "6": ("law enforcement", "police", "criminal offence", "polygraph"),
    "7": ("migration", "asylum", "visa", "border control"),
    "8": ("judicial", "court", "election", "voting", "referendum"),
}


def _annex_iii_areas(text: str) -> dict[str, str]:
    """Annex III points whose subjects `text` names, each with the first term found."""
    lowered = text.casefold()
    found: dict[str, str] = {}
    for area, terms in _ANNEX_III_TERMS.items():
        for term in terms:
            # The substring test first: it spares compiling a pattern for each absent term.
            if term in lowered and re.search(
                rf"\b{re.escape(term)}(?:s|es|ing|ment|ments)?\b", lowered
            ):
                found[area] = term
                break
    return found
