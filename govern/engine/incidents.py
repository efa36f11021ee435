"""The serious incidents on record, summarised as of the assessment date for the ledger and history.

The gating happens in the EU pack's Art.73 rules (`within_days`); this summary applies the statutory
deadlines (govern.evidence.incident.REPORT_DAYS) so that `govern history` can show which incidents
are still open and whether their first report went out in time, from the recorded runs alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from govern.evidence.base import Record
from govern.evidence.incident import REPORT_DAYS, REPORT_PROVISIONS, IncidentKind

if TYPE_CHECKING:
    from govern.load.bundle import EvidenceItem

ReportState = Literal["on_time", "late", "due", "overdue"]


class IncidentSummary(Record):
    id: str
    title: str
    kind: IncidentKind
    provision: str
    detected_on: dt.date
    aware_on: dt.date
    report_due: dt.date
    first_report: dt.date | None = None
    reports: int = 0
    # on_time/late: the first report went out by / after report_due; due: none yet, not overdue
    # on the assessment date; overdue: none, and report_due has passed.
    report_state: ReportState
    closed_on: dt.date | None = None
    open: bool
    file: str
    sha256: str


def summarise_incidents(items: Sequence[EvidenceItem], as_of: dt.date) -> list[IncidentSummary]:
    """One summary per incident record; an incident closed after `as_of` is still open then."""
    summaries = []
    for item in items:
        record = item.model
        due = record.aware_on + dt.timedelta(days=REPORT_DAYS[record.kind])
        first = record.first_report()
        state: ReportState
        if first is not None and first <= as_of:
            state = "on_time" if first <= due else "late"
        else:
            first = None
            state = "overdue" if as_of > due else "due"
        summaries.append(
            IncidentSummary(
                id=record.id,
                title=record.title,
                kind=record.kind,
                provision=REPORT_PROVISIONS[record.kind],
                detected_on=record.detected_on,
                aware_on=record.aware_on,
                report_due=due,
                first_report=first,
                reports=sum(1 for r in record.reports if r.sent_on <= as_of),
                report_state=state,
                closed_on=record.closed_on,
                open=record.closed_on is None or record.closed_on > as_of,
                file=item.path,
                sha256=item.sha256,
            )
        )
    return summaries


@dataclass(frozen=True)
class OpenIncidents:
    """The incidents still open in a system's newest recorded run, as of that run's date."""

    run_id: int
    as_of: dt.date
    incidents: tuple[IncidentSummary, ...]
