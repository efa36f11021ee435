"""The fundamental-rights impact assessment (EU AI Act Art.27) as a questionnaire answered in YAML.

Each section answers one element of Art.27(1)(a)-(f) or the Art.27(3) notification, and is mapped to
the ISO/IEC 42001 impact-assessment clause (6.1.4) and controls it also evidences (`ELEMENTS`). The
answers are the deployer's word: the pack requires them signed by an attestation of control
`fria`. Fields are optional so that rules, not a validation error, name what is unanswered.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from govern.evidence.base import Record
from govern.evidence.filled import CalendarDate

# Section -> (EU AI Act provision, ISO/IEC 42001 clauses and Annex A controls). Ids are those of the
# reference catalogue (govern/reference); ISO/IEC 42005 has no ids there yet, so none are cited.
ELEMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "process": ("Art.27(1)(a)", ("6.1.4", "A.5.2")),
    "period": ("Art.27(1)(b)", ("6.1.4",)),
    "frequency": ("Art.27(1)(b)", ("6.1.4",)),
    "affected_persons": ("Art.27(1)(c)", ("6.1.4", "A.5.4")),
    "risks": ("Art.27(1)(d)", ("6.1.4", "8.4", "A.5.4", "A.5.5")),
    "human_oversight": ("Art.27(1)(e)", ("6.1.4",)),
    "measures": ("Art.27(1)(f)", ("6.1.4",)),
    "notification": ("Art.27(3)", ("A.5.3",)),
}


class AffectedCategory(Record):
    category: str = Field(min_length=1, description="e.g. consumer-loan applicants.")
    groups: list[str] = Field(
        default=[], description="Groups within it at particular risk (e.g. by age, disability)."
    )
    estimated_number: int | None = Field(default=None, ge=0)


class RiskOfHarm(Record):
    affected: str = Field(min_length=1, description="The affected category it concerns.")
    right: str = Field(min_length=1, description="The fundamental right at stake.")
    harm: str = Field(min_length=1)
    likelihood: str | None = None
    severity: str | None = None
    provider_information: str | None = Field(
        default=None, description="The provider's Art.13 information this draws on."
    )


class Measures(Record):
    """Art.27(1)(f): what happens if the risks materialise."""

    actions: list[str] = []
    internal_governance: str | None = None
    complaints: str | None = Field(default=None, description="The complaint mechanism.")


class Notification(Record):
    """Art.27(3): the results notified to the market surveillance authority."""

    authority: str | None = None
    sent_on: CalendarDate | None = None
    reference: str | None = None
    exempt: str | None = Field(
        default=None, description="The Art.46(1) exemption relied on instead, if any."
    )


class Fria(Record):
    schema_version: int = 1
    deployer: str | None = Field(default=None, description="The deployer carrying it out.")
    completed_on: CalendarDate | None = Field(default=None, description="Before first use.")
    process: str | None = Field(
        default=None, description="Art.27(1)(a): the deployer's processes the system is used in."
    )
    period: str | None = Field(default=None, description="Art.27(1)(b): period of use.")
    frequency: str | None = Field(default=None, description="Art.27(1)(b): frequency of use.")
    affected_persons: list[AffectedCategory] = Field(
        default=[], description="Art.27(1)(c): categories of persons and groups likely affected."
    )
    risks: list[RiskOfHarm] = Field(
        default=[], description="Art.27(1)(d): specific risks of harm to those categories."
    )
    human_oversight: str | None = Field(
        default=None, description="Art.27(1)(e): human oversight as the instructions for use say."
    )
    measures: Measures = Measures()
    notification: Notification = Notification()
    dpia: str | None = Field(
        default=None, description="Art.27(4): the data protection impact assessment it complements."
    )
    attestation: Literal["fria"] = Field(
        default="fria",
        description="The attestation control that signs these answers: EUAIA-27-FRIA asks "
        "for an attestation of control `fria`.",
    )
