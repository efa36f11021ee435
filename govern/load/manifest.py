"""govern.yaml: the system, its EU AI Act screening answers, frameworks, evidence and waivers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from govern.evidence.base import Record
from govern.evidence.model_signature import ModelSignature
from govern.reference import ANNEX_III_POINTS, FRAMEWORKS

# The evaluation tools whose output govern reads (govern.load.importers.evals).
EvaluationFormat = Literal[
    "every-eval-ever",
    "lm-eval",
    "inspect",
    "hf-eval-results",
    "hf-model-index",
    "garak",
    "promptfoo",
]
EVALUATION_FORMATS: tuple[str, ...] = get_args(EvaluationFormat)

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
# (ba) and (bb) were added by Regulation (EU) 2026/1744 and apply from 2 December 2026.
ProhibitedLetter = Literal["a", "b", "ba", "bb", "c", "d", "e", "f", "g", "h"]
DerogationCondition = Literal["a", "b", "c", "d"]


class ModelRef(Record):
    """The model weights the system runs, and their OpenSSF model-signing signature, if signed.

    Paths are relative to govern.yaml. `govern check` verifies the signature offline, with the
    public key (`public_key`) or the certificate chain (`certificate_chain`) the signer used.
    """

    path: str | None = Field(default=None, description="The weights: a file or a folder.")
    digest: str | None = Field(
        default=None,
        pattern=r"^(sha256:)?[0-9a-f]{64}$",
        description="The expected sha256 of the signed model (as its signature's subject).",
    )
    signature: str | None = Field(
        default=None, description="The model-signing bundle (e.g. model.sig)."
    )
    public_key: str | None = Field(default=None, description="PEM public key of the signer.")
    certificate_chain: list[str] = Field(
        default=[], description="PEM certificates up to the root the signer's certificate is from."
    )

    # Written by govern check from what it verified (policy paths read it); never by a person,
    # so that no manifest can claim its own model is verified.
    signature_check: ModelSignature | None = Field(
        default=None, description="Set by govern check; refused in govern.yaml."
    )

    @model_validator(mode="after")
    def _named(self) -> ModelRef:
        if self.signature_check is not None:
            raise ValueError("signature_check is what govern check found; do not write it")
        if self.path is None and self.digest is None:
            raise ValueError("give the model's path or its digest")
        if self.public_key is not None and self.certificate_chain:
            raise ValueError("give public_key or certificate_chain, not both")
        return self


class System(Record):
    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Stable slug, used by the ledger."
    )
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    role: Literal["provider", "deployer"]
    intended_purpose: str = Field(min_length=1)
    public_authority: bool = False
    public_service: bool = Field(
        default=False,
        description="A private entity providing public services (Art.27(1)): with "
        "public_authority, decides whether a deployer owes a FRIA.",
    )
    release: Release | None = Field(
        default=None,
        description="The model this release ships: evaluation evidence must be of this "
        "revision, and no older than its date.",
    )
    model: ModelRef | None = None


class Release(Record):
    """What is released, so that evaluation results can be tied to it (or shown not to be)."""

    date: dt.date | None = Field(
        default=None, description="When the released model revision was frozen."
    )
    model_id: str | None = None
    model_revision: str | None = None
    weights_digest: str | None = None


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


EvidenceFormat = Literal[
    "auto",
    "govern",
    "huggingface",
    "mct",
    "cyclonedx",
    "spdx3",
    "croissant",
    EvaluationFormat,
]


class EvidenceRef(Record):
    """An evidence file with its format named: where it is, its format, which part of it to read."""

    path: str = Field(min_length=1, description="The file, relative to govern.yaml.")
    format: EvidenceFormat = Field(
        default="auto",
        description="huggingface (README.md card), mct (Model Card Toolkit JSON), cyclonedx "
        "(ML-BOM), spdx3, croissant, an evaluation tool's output (every-eval-ever, lm-eval, "
        "inspect, hf-eval-results, hf-model-index, garak, promptfoo), govern (our own schema) "
        "or auto (detected).",
    )
    select: str | None = Field(
        default=None,
        description="The model or dataset to read when the file describes several "
        "(its name or id).",
    )


def _entry_kind(value: Any) -> str:
    return "ref" if isinstance(value, dict | EvidenceRef) else "path"


# A mapping is an EvidenceRef and anything else a path, so a mistake in either is reported once,
# in the terms of the form that was written.
EvidenceEntry = Annotated[
    Annotated[str, Tag("path")] | Annotated[EvidenceRef, Tag("ref")],
    Discriminator(_entry_kind),
]
# Which foreign formats can describe what (SPDX 3 and Hugging Face cards hold both kinds).
_MODEL_CARD_FORMATS = ("auto", "govern", "huggingface", "mct", "cyclonedx", "spdx3")
_DATASET_FORMATS = ("auto", "govern", "huggingface", "spdx3", "croissant")
_EVALUATION_FORMATS = ("auto", "govern", *EVALUATION_FORMATS)


def _check_format(ref: str | EvidenceRef, allowed: tuple[str, ...], what: str) -> None:
    if isinstance(ref, EvidenceRef) and ref.format not in allowed:
        raise ValueError(
            f"{ref.path}: format {ref.format!r} does not describe {what}; "
            f"use one of {', '.join(allowed)}"
        )


class GpaiEvidence(Record):
    """The documents of a general-purpose AI model's provider (Art.53(1)(a)-(d)), relative paths."""

    model_documentation: str | None = Field(
        default=None, description="The GPAI Code of Practice Model Documentation Form."
    )
    training_content_summary: str | None = Field(
        default=None, description="The public summary of training content (Art.53(1)(d))."
    )
    copyright_policy: str | None = Field(
        default=None, description="The copyright policy (Art.53(1)(c))."
    )


class EvidencePaths(Record):
    """Evidence files, relative to govern.yaml.

    A model card or dataset record may be in another format (Hugging Face card, Model Card Toolkit
    JSON, CycloneDX ML-BOM, SPDX 3, Croissant): it is read as it is, through its importer. A plain
    path has its format detected; `{path, format}` names it.
    """

    model_card: EvidenceEntry | None = None
    datasets: list[EvidenceEntry] = []
    fairness: list[str] = []
    attestations: str | None = None
    incidents: list[str] = Field(default=[], description="Serious-incident records (Art.73).")
    post_market: str | None = Field(
        default=None, description="The post-market monitoring plan (Art.72)."
    )
    fria: str | None = Field(
        default=None, description="The fundamental-rights impact assessment (Art.27)."
    )
    gpai: GpaiEvidence | None = None
    evaluations: list[EvidenceEntry] = Field(
        default=[],
        description="Evaluation results and red-team reports of a generative model: govern's "
        "own schema, or a harness's output read as it is.",
    )

    @field_validator("evaluations")
    @classmethod
    def _evaluation_formats(cls, value: list[str | EvidenceRef]) -> list[str | EvidenceRef]:
        for ref in value:
            _check_format(ref, _EVALUATION_FORMATS, "evaluation results")
        return value

    @field_validator("model_card")
    @classmethod
    def _model_card_format(cls, value: str | EvidenceRef | None) -> str | EvidenceRef | None:
        if value is not None:
            _check_format(value, _MODEL_CARD_FORMATS, "model cards")
        return value

    @field_validator("datasets")
    @classmethod
    def _dataset_formats(cls, value: list[str | EvidenceRef]) -> list[str | EvidenceRef]:
        for ref in value:
            _check_format(ref, _DATASET_FORMATS, "dataset records")
        return value


class Attester(Record):
    """A person trusted to sign attestations, with the key their signatures must verify under."""

    name: str = Field(min_length=1, description="As written in attested_by.name.")
    role: str | None = None
    public_key: str | None = Field(
        default=None,
        description="PEM public key (Ed25519 or ECDSA P-256), relative to govern.yaml.",
    )
    certificate: str | None = Field(
        default=None, description="PEM X.509 certificate instead of a bare key; its dates count."
    )

    @model_validator(mode="after")
    def _one_key(self) -> Attester:
        if (self.public_key is None) == (self.certificate is None):
            raise ValueError("give exactly one of public_key or certificate")
        return self


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
    attesters: list[Attester] = Field(
        default=[], description="Who may sign attestations, and with which key."
    )
    # Waivers are validated one by one by govern.engine.waivers, so that a malformed waiver is
    # reported and ignored (fail closed) rather than stopping the whole run.
    waivers: list[Any] = []

    def policy_sources(self) -> list[str]:
        if self.policies is not None:
            return list(self.policies)
        return [f"builtin:{framework}" for framework in self.frameworks if framework in FRAMEWORKS]
