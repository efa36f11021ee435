"""Serious-incident records (EU AI Act Art.73): when it was detected, when the provider became
aware, what kind it is, and which reports went to the market surveillance authority on which dates.

The reporting deadlines themselves are rules in the EU pack (`within_days`), so an organisation
pack can tighten them; `REPORT_DAYS` is the statutory table the ledger summary shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from govern.evidence.base import Record
from govern.evidence.filled import CalendarDate, FilledText

IncidentKind = Literal[
    "death",
    "serious_harm",
    "critical_infrastructure",
    "fundamental_rights",
    "widespread",
]
# Days from awareness to the first report: Art.73(3) (widespread infringement, Art.3(49)(b)
# critical infrastructure), Art.73(4) (death), Art.73(2) (every other serious incident).
REPORT_DAYS: dict[str, int] = {
    "widespread": 2,
    "critical_infrastructure": 2,
    "death": 10,
    "serious_harm": 15,
    "fundamental_rights": 15,
}
REPORT_PROVISIONS: dict[str, str] = {
    "widespread": "Art.73(3)",
    "critical_infrastructure": "Art.73(3)",
    "death": "Art.73(4)",
    "serious_harm": "Art.73(2)",
    "fundamental_rights": "Art.73(2)",
}


class IncidentReport(Record):
    """One report sent to a market surveillance authority; Art.73(5) allows an incomplete
    initial report followed by a complete one, so the first one sent is what the deadline
    counts."""

    sent_on: CalendarDate
    to: FilledText = Field(description="The market surveillance authority it went to.")
    type: Literal["initial", "complete", "follow_up"] = "initial"
    reference: str | None = Field(default=None, description="The authority's case number.")


class IncidentRecord(Record):
    schema_version: int = 1
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", description="Stable incident id.")
    title: FilledText
    kind: IncidentKind = Field(
        description="death; serious_harm (to health, property or the environment, Art.3(49)(a) "
        "and (d)); critical_infrastructure (Art.3(49)(b)); fundamental_rights (Art.3(49)(c)); "
        "widespread (widespread infringement, Art.3(61))."
    )
    detected_on: CalendarDate = Field(description="When the incident was first detected.")
    aware_on: CalendarDate = Field(
        description="When the provider became aware of the serious incident (or of a reasonably "
        "likely causal link): the Art.73 deadlines run from this day."
    )
    member_states: list[str] = Field(default=[], description="Where the incident occurred.")
    description: str | None = None
    reports: list[IncidentReport] = []
    corrective_action: str | None = Field(
        default=None, description="Investigation and corrective action taken (Art.73(6))."
    )
    closed_on: CalendarDate | None = Field(
        default=None, description="When the investigation was closed; open until then."
    )

    @model_validator(mode="after")
    def _ordered(self) -> IncidentRecord:
        if self.aware_on < self.detected_on:
            raise ValueError(
                f"aware_on {self.aware_on} is before detected_on {self.detected_on}: the "
                "provider cannot become aware of an incident before it is detected"
            )
        if self.closed_on is not None and self.closed_on < self.detected_on:
            raise ValueError(f"closed_on {self.closed_on} is before detected_on {self.detected_on}")
        return self

    def first_report(self) -> dt.date | None:
        return min((r.sent_on for r in self.reports), default=None)
