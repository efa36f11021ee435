"""Policy packs and rules as typed models, plus the compiled form the engine evaluates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from govern.evidence.base import Record
from govern.load.documents import SourceDocument
from govern.load.manifest import Framework, TransparencyTrigger
from govern.policy.checks import Check, is_automated

if TYPE_CHECKING:
    from govern.policy.reads import FairnessGate

Severity = Literal["critical", "high", "medium", "low"]
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}
RiskTier = Literal["prohibited", "high", "limited", "minimal"]


class AmendedDate(Record):
    date: dt.date
    basis: str
    verified: bool = False


class ApplicationDate(Record):
    """When an obligation applies: the Official Journal date and, where amended, the new date."""

    date: dt.date
    basis: str
    amended: AmendedDate | None = None
    annex_i: ApplicationDate | None = Field(
        default=None, description="Different date for Art.6(1) (Annex I product) systems."
    )


class Override(Record):
    """An organisation pack tightening a rule of another pack. Loosening is refused."""

    rule: str
    severity: Severity | None = None
    blocking: bool | None = None
    params: dict[str, float] = {}
    reason: str | None = None


class PackInfo(Record):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    version: str
    framework: Framework | None = None
    source: str | None = None
    description: str | None = None
    application_dates: dict[str, ApplicationDate] = {}
    overrides: list[Override] = []
    # Evaluations older than this many days fail GOVERN-COHERENCE-DATES; the pack set's limit is
    # the smallest any loaded pack gives.
    evidence_max_age_days: int | None = Field(default=None, ge=1)


class Applicability(Record):
    """When a rule applies: every condition given must hold; `any` holds when one item does."""

    risk_tier: list[RiskTier] | None = None
    role: list[Literal["provider", "deployer"]] | None = None
    transparency: list[TransparencyTrigger] | None = None
    gpai: bool | None = None
    gpai_systemic_risk: bool | None = None
    annex_iii: list[str] | None = None
    public_authority: bool | None = None
    public_service: bool | None = Field(
        default=None,
        description="The deployer is a private entity providing public services "
        "(system.public_service).",
    )
    profiling: bool | None = Field(
        default=None, description="The system profiles natural persons (classification.profiling)."
    )
    names_model: bool | None = Field(
        default=None,
        description="govern.yaml names the model weights (system.model), whose signature "
        "govern check verifies.",
    )
    any: list[Applicability] | None = None


class RuleSpec(Record):
    """A rule as written in a pack file."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    title: str = Field(min_length=1)
    description: str | None = None
    refs: dict[Framework, list[str]] = Field(min_length=1)
    applies_when: Applicability | None = None
    severity: Severity
    blocking: bool = True
    effective_from: str | dt.date | None = None
    params: dict[str, float] = {}
    check: dict[str, Any]
    remediation: str = Field(min_length=1)


@dataclass(frozen=True)
class Tightening:
    pack: str
    what: str
    before: Any
    after: Any
    reason: str | None = None


@dataclass(frozen=True)
class Rule:
    """A loaded rule: its spec, compiled check, origin, and any tightening applied to it."""

    spec: RuleSpec
    check: Check
    pack: PackInfo
    document: SourceDocument = field(repr=False, compare=False)
    where: tuple[str | int, ...]
    file: str
    line: int
    effective: ApplicationDate | None
    severity: Severity
    blocking: bool
    params: dict[str, float]
    tightenings: tuple[Tightening, ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def framework(self) -> str | None:
        return self.pack.framework

    # What a rule's check says, reads and gates on depends on the rule alone, not on the system
    # assessed: worked out once per loaded rule, however many systems a run assesses.

    @cached_property
    def description(self) -> str:
        """The check in words, with this rule's parameters."""
        return self.check.describe(self.params)

    @cached_property
    def expectations(self) -> dict[int, str]:
        """Each part of the check in words, by the part's id, filled as evaluation asks (see
        govern.policy.checks.Context.expected): the same for every system assessed."""
        return {}

    @cached_property
    def automated(self) -> bool:
        return is_automated(self.check)

    @cached_property
    def path_problems(self) -> tuple[str, ...]:
        """Paths of the check that name fields the evidence schema lacks (see schema_paths)."""
        from govern.policy.schema_paths import unknown_paths

        return tuple(unknown_paths(self.check))

    @cached_property
    def evidence_kinds(self) -> tuple[str, ...]:
        from govern.policy.reads import evidence_kinds

        return tuple(evidence_kinds(self.check))

    @cached_property
    def fairness_gates(self) -> tuple[FairnessGate, ...]:
        from govern.policy.reads import fairness_gates

        return tuple(fairness_gates(self.check, self.params))


@dataclass(frozen=True)
class Pack:
    info: PackInfo
    source: str  # "builtin:eu-ai-act" or a folder
    files: tuple[tuple[str, str], ...]  # (display path, sha256)
    rules: tuple[Rule, ...] = field(default=())
    document: SourceDocument | None = field(default=None, repr=False, compare=False)

    @property
    def folder(self) -> Path | None:
        """An organisation pack's folder; built-in packs live inside the installed package."""
        if self.source.startswith("builtin:") or self.document is None:
            return None
        return self.document.path.parent
