"""Open serious incidents in `govern history`: text, Markdown and JSON, escaped for each."""

from __future__ import annotations

import json
from collections.abc import Callable

from govern.engine.incidents import OpenIncidents
from govern.render.display import visible
from govern.render.markdown_escape import md_text

_HEADER = ("INCIDENT", "KIND", "AWARE", "REPORT DUE", "FIRST REPORT", "REPORT", "TITLE")
_STATES = {
    "on_time": "on time",
    "late": "late",
    "due": "due",
    "overdue": "OVERDUE",
}


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
