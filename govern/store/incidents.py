"""Open serious incidents as the ledger last recorded them, for `govern history`.

They are read from the newest run's assessment document (which carries the incident summaries and
is hash-covered), so history shows what was checked, not what the evidence says today.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govern.render.display import visible
from govern.render.markdown_escape import md_text

if TYPE_CHECKING:
    import datetime as dt

    from govern.engine.incidents import IncidentSummary
    from govern.store.ledger import Ledger

_HEADER = ("INCIDENT", "KIND", "AWARE", "REPORT DUE", "FIRST REPORT", "REPORT", "TITLE")
_STATES = {
    "on_time": "on time",
    "late": "late",
    "due": "due",
    "overdue": "OVERDUE",
}


@dataclass(frozen=True)
class OpenIncidents:
    """The incidents still open in a system's newest recorded run, as of that run's date."""

    run_id: int
    as_of: dt.date
    incidents: tuple[IncidentSummary, ...]


def open_incidents(ledger: Ledger, system_id: str) -> OpenIncidents:
    run_id = ledger.resolve("latest", system_id)
    assessment = ledger.snapshot(run_id).assessment
    found = tuple(incident for incident in assessment.incidents if incident.open)
    return OpenIncidents(run_id, assessment.options.as_of, found)


def _rows(found: OpenIncidents) -> list[list[str]]:
    return [
        [
            i.id,
            i.kind,
            i.aware_on.isoformat(),
            i.report_due.isoformat(),
            i.first_report.isoformat() if i.first_report else "-",
            _STATES[i.report_state],
            i.title,
        ]
        for i in found.incidents
    ]


def _title(found: OpenIncidents) -> str:
    return (
        f"{len(found.incidents)} open serious incident(s) in run {found.run_id} "
        f"(as of {found.as_of})"
    )


def incidents_text(history: str, found: OpenIncidents | None) -> str:
    if found is None or not found.incidents:
        return history
    rows = [[visible(cell) for cell in row] for row in _rows(found)]
    widths = [max(len(c) for c in column) for column in zip(_HEADER, *rows, strict=True)]
    table = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in (_HEADER, *rows)
    ]
    return history + "\n" + "\n".join([_title(found) + ":", *table]) + "\n"


def incidents_markdown(history: str, found: OpenIncidents | None) -> str:
    if found is None or not found.incidents:
        return history
    lines = ["", f"#### {md_text(_title(found))}", ""]
    lines += ["| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
    lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in _rows(found)]
    return history + "\n".join(lines) + "\n"


def incidents_json(history: str, found: OpenIncidents | None) -> str:
    """The history document with `open_incidents` added (an empty list when there are none)."""
    document = json.loads(history)
    document["open_incidents"] = (
        []
        if found is None
        else [
            {"run_id": found.run_id, **incident.model_dump(mode="json")}
            for incident in found.incidents
        ]
    )
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


INCIDENTS: dict[str, Callable[[str, OpenIncidents | None], str]] = {
    "text": incidents_text,
    "json": incidents_json,
    "markdown": incidents_markdown,
}
