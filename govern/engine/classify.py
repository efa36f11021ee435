"""EU AI Act risk tier of a system from its manifest answers, with the provisions behind it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from govern.engine.law import OMNIBUS_PROHIBITIONS_FROM
from govern.evidence.base import Record
from govern.evidence.placeholders import is_placeholder
from govern.load.documents import SourceDocument
from govern.load.manifest import Classification, Manifest
from govern.policy.checks import show_value
from govern.reference import ANNEX_III_POINTS, PROHIBITED_PRACTICES

Tier = Literal["prohibited", "high", "limited", "minimal"]
# The prohibitions added by Regulation (EU) 2026/1744, in force from OMNIBUS_PROHIBITIONS_FROM.
OMNIBUS_LETTERS = ("ba", "bb")
TIER_LABELS = {
    "prohibited": "prohibited practice",
    "high": "high-risk",
    "limited": "transparency obligations (Art.50)",
    "minimal": "minimal risk",
}
_ART50 = {
    "interacts_with_persons": ("Art.50(1)", "people must be told they are interacting with AI"),
    "synthetic_content": ("Art.50(2)", "synthetic output must be marked machine-readably"),
    "emotion_recognition": ("Art.50(3)", "exposed persons must be informed"),
    "biometric_categorisation": ("Art.50(3)", "exposed persons must be informed"),
    "deep_fake": ("Art.50(4)", "deep fakes must be disclosed"),
    "public_interest_text": ("Art.50(4)", "AI-generated text on public-interest matters disclosed"),
}


class Reason(Record):
    conclusion: str
    provisions: list[str]
    answers: list[str]


class Unanswered(Record):
    """A screening answer that still holds placeholder text (TODO, TBD, N/A...), and where."""

    field: str
    value: str
    question: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def where(self) -> str:
        """`govern.yaml:17:3: classification.annex_i`, or just the field without a document."""
        at = f"{self.file}:{self.line}:{self.column}: " if self.file and self.line else ""
        return f"{at}{self.field}"


# The free-text screening answers a placeholder can stand in for, and what each asks.
_QUESTIONS = {
    ("classification", "annex_i"): "the Annex I act the system is a safety component of, or null",
    ("classification", "art6_3_exception", "justification"): (
        "why the Annex III system poses no significant risk (Art.6(3)), or drop the derogation"
    ),
}


class ClassificationResult(Record):
    tier: Tier
    label: str
    high_risk: bool
    route: Literal["annex_i", "annex_iii"] | None = None
    annex_iii: str | None = None
    transparency: list[str] = []
    gpai: bool = False
    gpai_systemic_risk: bool = False
    role: str
    reasons: list[Reason]
    warnings: list[str] = []
    # Placeholder answers: the classification is incomplete, and where they could lower the tier
    # the stricter tier is assumed until they are answered (never a silent "minimal").
    incomplete: bool = False
    assumed: bool = False
    unanswered: list[Unanswered] = []


def unanswered_questions(
    answers: Classification, document: SourceDocument | None = None
) -> list[Unanswered]:
    """The screening answers that hold placeholder text, located in the manifest when given."""
    data = answers.model_dump()
    found = []
    for path, question in _QUESTIONS.items():
        value: Any = data
        for key in path[1:]:
            value = value.get(key) if isinstance(value, dict) else None
        if not is_placeholder(value):
            continue
        position = document.locate(path) if document is not None else None
        found.append(
            Unanswered(
                field=".".join(path),
                value=value,
                question=question,
                file=document.display if document is not None else None,
                line=position.line if position else None,
                column=position.column if position else None,
            )
        )
    return found


def classify(
    manifest: Manifest, document: SourceDocument | None = None, as_of: dt.date | None = None
) -> ClassificationResult:
    """The tier from the manifest's answers; `document` (the manifest's file) places the
    placeholders that leave the classification incomplete. `as_of` dates the prohibitions added
    by the Omnibus (Art.5(1)(ba), (bb)): before they apply they are a warning, not the tier;
    without a date every prohibition counts."""
    answers = manifest.classification
    unanswered = unanswered_questions(answers, document)
    pending = {item.field: item for item in unanswered}
    annex_i_pending = pending.get("classification.annex_i")
    exception_pending = pending.get("classification.art6_3_exception.justification")
    reasons: list[Reason] = []
    warnings: list[str] = []
    tier: Tier = "minimal"
    route: Literal["annex_i", "annex_iii"] | None = None
    high_risk = False
    assumed = False

    for letter in answers.prohibited_practices:
        said = [f"classification.prohibited_practices: {letter}"]
        provisions = [f"Art.5(1)({letter})"]
        if letter in OMNIBUS_LETTERS:
            provisions.append("Art.5(1a)")
            if as_of is not None and as_of < OMNIBUS_PROHIBITIONS_FROM:
                when = OMNIBUS_PROHIBITIONS_FROM.isoformat()
                reasons.append(
                    Reason(
                        conclusion=f"not yet prohibited on {as_of.isoformat()}: "
                        f"{PROHIBITED_PRACTICES[letter]} is prohibited from {when} "
                        "(Art.113(3)(a) as amended by Regulation (EU) 2026/1744; "
                        "verified: false)",
                        provisions=provisions,
                        answers=said,
                    )
                )
                warnings.append(
                    f"Art.5(1)({letter}) ({PROHIBITED_PRACTICES[letter]}) is prohibited from "
                    f"{when}: stop before then"
                )
                continue
        tier = "prohibited"
        reasons.append(
            Reason(
                conclusion=f"prohibited practice: {PROHIBITED_PRACTICES[letter]}",
                provisions=provisions,
                answers=said,
            )
        )
    if answers.annex_i and annex_i_pending is None:
        high_risk, route = True, "annex_i"
        reasons.append(
            Reason(
                conclusion=f"high-risk: safety component of a product under {answers.annex_i}",
                provisions=["Art.6(1)", "Art.6(1)(a)", "Art.6(1)(b)"],
                answers=[f"classification.annex_i: {answers.annex_i}"],
            )
        )
    if answers.annex_iii:
        point = answers.annex_iii
        area = f"AnnexIII.{point}"
        answer = f"classification.annex_iii: {point}"
        exception = answers.art6_3_exception
        if exception and answers.profiling:
            high_risk, route = True, route or "annex_iii"
            warnings.append("The Art.6(3) derogation is void: the system profiles natural persons.")
            reasons.append(
                Reason(
                    conclusion=f"high-risk: Annex III {point} ({ANNEX_III_POINTS[point]}); "
                    "the claimed Art.6(3) derogation does not apply to systems that profile "
                    "natural persons",
                    provisions=["Art.6(2)", area, "Art.6(3)"],
                    answers=[
                        answer,
                        "classification.profiling: true",
                        "classification.art6_3_exception",
                    ],
                )
            )
        elif exception and exception_pending is not None:
            high_risk, route, assumed = True, route or "annex_iii", True
            reasons.append(
                Reason(
                    conclusion=f"high-risk assumed until answered: Annex III {point} "
                    f"({ANNEX_III_POINTS[point]}); the claimed Art.6(3) derogation has no "
                    "justification yet",
                    provisions=["Art.6(2)", area, "Art.6(3)"],
                    answers=[answer, _answer(exception_pending)],
                )
            )
        elif exception:
            letters = ", ".join(f"({c})" for c in exception.conditions)
            reasons.append(
                Reason(
                    conclusion=f"not high-risk despite Annex III {point}: Art.6(3) derogation "
                    f"{letters} claimed; the assessment must be documented and the system "
                    "registered",
                    provisions=[
                        "Art.6(3)",
                        *[f"Art.6(3)({c})" for c in exception.conditions],
                        "Art.6(4)",
                        "Art.49(2)",
                    ],
                    answers=[answer, "classification.art6_3_exception"],
                )
            )
        else:
            high_risk, route = True, route or "annex_iii"
            reasons.append(
                Reason(
                    conclusion=f"high-risk: Annex III {point} ({ANNEX_III_POINTS[point]})",
                    provisions=["Art.6(2)", area],
                    answers=[answer],
                )
            )
    if annex_i_pending is not None and not high_risk:
        high_risk, assumed = True, True
        reasons.append(
            Reason(
                conclusion="high-risk assumed until answered: whether the system is a safety "
                "component of an Annex I product is unanswered",
                provisions=["Art.6(1)"],
                answers=[_answer(annex_i_pending)],
            )
        )
    if high_risk and tier != "prohibited":
        tier = "high"
    assumed = assumed and tier == "high"
    for item in unanswered:
        consequence = (
            "high-risk is assumed until it is answered"
            if assumed
            else "the tier rests on the other answers"
        )
        warnings.append(
            f"classification incomplete: {item.where()} is unanswered "
            f"({show_value(item.value)}); {consequence}. Answer it: {item.question}."
        )

    transparency = []
    for trigger in answers.transparency:
        provision, duty = _ART50[trigger]
        transparency.append(provision)
        reasons.append(
            Reason(
                conclusion=f"transparency obligation: {duty}",
                provisions=[provision],
                answers=[f"classification.transparency: {trigger}"],
            )
        )
    if transparency and tier == "minimal":
        tier = "limited"

    gpai = answers.gpai or answers.gpai_systemic_risk
    if answers.gpai_systemic_risk and not answers.gpai:
        warnings.append("gpai_systemic_risk is set without gpai; treated as a GPAI model.")
    if gpai:
        reasons.append(
            Reason(
                conclusion="general-purpose AI model: Art.53 obligations apply",
                provisions=["Art.53(1)(a)", "Art.53(1)(b)"],
                answers=["classification.gpai: true"],
            )
        )
    if answers.gpai_systemic_risk:
        reasons.append(
            Reason(
                conclusion="GPAI model with systemic risk: Art.55 obligations apply",
                provisions=["Art.51(1)(a)", "Art.55(1)(a)"],
                answers=["classification.gpai_systemic_risk: true"],
            )
        )
    if tier == "minimal" and not gpai:
        reasons.append(
            Reason(
                conclusion="minimal risk: no prohibited practice, not an Annex I or Annex III "
                "system, no Art.50 trigger",
                provisions=["Art.5(1)", "Art.6(1)", "Art.6(2)"],
                answers=["classification"],
            )
        )
    return ClassificationResult(
        tier=tier,
        label=TIER_LABELS[tier] + (" (assumed until answered)" if assumed else ""),
        high_risk=high_risk,
        route=route,
        annex_iii=answers.annex_iii,
        transparency=sorted(set(transparency)),
        gpai=gpai,
        gpai_systemic_risk=answers.gpai_systemic_risk,
        role=manifest.system.role,
        reasons=reasons,
        warnings=warnings,
        incomplete=bool(unanswered),
        assumed=assumed,
        unanswered=unanswered,
    )


def _answer(item: Unanswered) -> str:
    return f"{item.where()}: {show_value(item.value)}"
