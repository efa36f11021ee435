"""govern.yaml: the system, its EU AI Act screening answers, frameworks, evidence and waivers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from govern.evidence.base import Record
from govern.reference import ANNEX_III_POINTS, FRAMEWORKS

MANIFEST_NAME = "govern.yaml"

Framework = Literal["eu-ai-act", "iso-42001", "nist-ai-rmf"]
TransparencyTrigger = Literal[
    "interacts_with_persons",
    "synthetic_content",
    "emotion_recognition",
    "biometric_categorisation",
    "deep_fake",
    "public_interest_text",
]
ProhibitedLetter = Literal["a", "b", "c", "d", "e", "f", "g", "h"]
DerogationCondition = Literal["a", "b", "c", "d"]


class System(Record):
    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Stable slug, used by the ledger."
    )
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    role: Literal["provider", "deployer"]
    intended_purpose: str = Field(min_length=1)
    public_authority: bool = False


class Art63Exception(Record):
    """A claimed Art.6(3) derogation: an Annex III system argued not to be high-risk."""

    conditions: list[DerogationCondition] = Field(min_length=1)
    justification: str = Field(min_length=1)


class Classification(Record):
    prohibited_practices: list[ProhibitedLetter] = []
    annex_iii: str | None = Field(default=None, description='Annex III point, e.g. "5(b)".')
    annex_i: str | None = Field(
        default=None, description="Annex I harmonisation act the system is a safety component of."
    )
    art6_3_exception: Art63Exception | None = None
    profiling: bool = Field(
        default=False, description="Profiles natural persons (Art.6(3) last subpara)."
    )
    gpai: bool = False
    gpai_systemic_risk: bool = False
    transparency: list[TransparencyTrigger] = []

    @field_validator("annex_iii")
    @classmethod
    def _known_point(cls, value: str | None) -> str | None:
        if value is None:
            return None
        point = value.strip().removeprefix("AnnexIII.").replace(" ", "")
        if point not in ANNEX_III_POINTS:
            known = ", ".join(ANNEX_III_POINTS)
            raise ValueError(f"{value!r} is not an Annex III point; expected one of {known}")
        return point


class EvidencePaths(Record):
    model_card: str | None = None
    datasets: list[str] = []
    fairness: list[str] = []
    attestations: str | None = None


class Manifest(Record):
    govern: Literal[1]
    system: System
    classification: Classification = Classification()
    frameworks: list[Framework] = Field(default=["eu-ai-act"], min_length=1)
    evidence: EvidencePaths = EvidencePaths()
    policies: list[str] | None = Field(
        default=None,
        description="Packs to apply: builtin:NAME or a folder relative to govern.yaml. "
        "Default: the built-in pack of each framework in scope.",
    )
    # Waivers are validated one by one by govern.waivers, so that a malformed waiver is reported and
    # ignored (fail closed) rather than stopping the whole run.
    waivers: list[Any] = []

    def policy_sources(self) -> list[str]:
        if self.policies is not None:
            return list(self.policies)
        return [f"builtin:{framework}" for framework in self.frameworks if framework in FRAMEWORKS]
