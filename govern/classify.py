"""EU AI Act risk tier of a system from its manifest answers, with the provisions behind it."""

from __future__ import annotations

from typing import Literal

from govern.evidence.base import Record
from govern.manifest import Manifest
from govern.reference import ANNEX_III_POINTS, PROHIBITED_PRACTICES

Tier = Literal["prohibited", "high", "limited", "minimal"]
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


def classify(manifest: Manifest) -> ClassificationResult:
    answers = manifest.classification
    reasons: list[Reason] = []
    warnings: list[str] = []
    tier: Tier = "minimal"
    route: Literal["annex_i", "annex_iii"] | None = None
    high_risk = False

    if answers.prohibited_practices:
        tier = "prohibited"
        for letter in answers.prohibited_practices:
            reasons.append(
                Reason(
                    conclusion=f"prohibited practice: {PROHIBITED_PRACTICES[letter]}",
                    provisions=[f"Art.5(1)({letter})"],
                    answers=[f"classification.prohibited_practices: {letter}"],
                )
            )
    if answers.annex_i:
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
    if high_risk and tier != "prohibited":
        tier = "high"

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
        label=TIER_LABELS[tier],
        high_risk=high_risk,
        route=route,
        annex_iii=answers.annex_iii,
        transparency=sorted(set(transparency)),
        gpai=gpai,
        gpai_systemic_risk=answers.gpai_systemic_risk,
        role=manifest.system.role,
        reasons=reasons,
        warnings=warnings,
    )
