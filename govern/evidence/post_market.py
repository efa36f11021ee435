"""The post-market monitoring plan (EU AI Act Art.72) as a document of its own.

Fields are optional so that the pack's rules, not a validation error, name what the plan lacks;
a plan summarised in the model card's `post_market` section is accepted by the same rule.
"""

from __future__ import annotations

from pydantic import Field

from govern.evidence.base import Person, Record
from govern.evidence.filled import CalendarDate


class MonitoredMetric(Record):
    name: str = Field(min_length=1)
    threshold: str | float | None = Field(
        default=None, description="The value that triggers action."
    )
    source: str | None = Field(default=None, description="Where the data comes from.")


class PostMarketPlan(Record):
    schema_version: int = 1
    reference: str | None = Field(default=None, description="The plan's document id.")
    owner: Person | None = None
    data_sources: list[str] = Field(
        default=[],
        description="Performance data collected from deployers or other sources (Art.72(2)).",
    )
    metrics: list[MonitoredMetric] = []
    frequency: str | None = Field(default=None, description="How often the data is reviewed.")
    triggers: list[str] = Field(default=[], description="What prompts corrective action.")
    other_systems: str | None = Field(
        default=None, description="Interaction with other AI systems, where relevant (Art.72(2))."
    )
    incident_procedure: str | None = Field(
        default=None, description="Where the Art.73 serious-incident procedure is."
    )
    last_reviewed: CalendarDate | None = None
