"""The assessment as GitHub Actions workflow commands: annotations on evidence, then the report.

The runner executes any line of a job log that starts, after leading whitespace, with `::` (or the
older `##[`), so no value from evidence or a pack may start a line: values are made visible first
(no line breaks or control characters; see govern.render.display), then escaped as GitHub's
toolkit does (messages: `%`, CR, LF; properties also `:` and `,`). The plain-text report that
follows the annotations is fenced by `::stop-commands::` with a token derived from its own text,
which no value inside it can know, and no line of it may start a command even without the fence.
"""

from __future__ import annotations

import hashlib

from govern.engine.assessment import STATUSES, Assessment, RuleResult
from govern.policy.model import SEVERITY_RANK
from govern.render import text
from govern.render.display import visible_values
from govern.render.interface import FunctionRenderer
from govern.render.locations import (
    REPORTED_STATUSES,
    column_of,
    line_of,
    located_findings,
    repo_path,
)
from govern.render.style import unstyle

# GitHub shows at most 10 annotations of each level per step, so each rule gets one annotation
# (at its first finding, listing the others) rather than one per finding.
_MAX_LISTED = 5


def render(assessment: Assessment, *, base_path: str = "") -> str:
    """Workflow commands followed by the plain-text report, so the job log stays readable.

    `base_path` is govern.yaml's folder under the repository root: GitHub places an annotation by
    its path relative to the workspace.
    """
    assessment = visible_values(assessment)
    order = {status: i for i, status in enumerate(STATUSES)}
    ranked = sorted(
        assessment.results,
        key=lambda r: (not r.gating, order[r.status], -SEVERITY_RANK[r.severity], r.rule_id),
    )
    lines = []
    for result in ranked:
        if result.status in REPORTED_STATUSES:
            lines.append(_annotation(assessment, result, base_path))
        for note in result.notes:
            lines.append(
                _command(
                    "warning",
                    repo_path(note.location.file, base_path),
                    line_of(note.location),
                    column_of(note.location),
                    f"{result.rule_id} warning",
                    f"{result.title}: {note.found} ({note.location.field})",
                )
            )
    for warning in assessment.warnings:
        lines.append(f"::warning title=govern::{_data(warning)}")
    lines += inert_report(unstyle(text.render(assessment)))
    return "\n".join(lines) + "\n"


def _annotation(assessment: Assessment, result: RuleResult, base_path: str) -> str:
    located = located_findings(assessment, result)
    location = located[0][0]
    if result.gating:
        level = "error"
    elif result.status == "waived":
        level = "notice"
    else:
        level = "warning"
    listed = [(where, finding) for where, finding in located if finding is not None]
    body = [
        result.title
        if listed and result.status != "waived"
        else f"{result.title}: {result.message}"
    ]
    for where, finding in listed[:_MAX_LISTED]:
        body.append(
            f"- {repo_path(where.file, base_path)}:{line_of(where)}: expected "
            f"{finding.expected}; found {finding.found}"
        )
    if len(listed) > _MAX_LISTED:
        body.append(f"- … {len(listed) - _MAX_LISTED} more")
    if result.status != "waived":
        body.append(f"Fix: {result.remediation}")
    severity = f"{result.severity}{', blocking' if result.blocking else ''}"
    return _command(
        level,
        repo_path(location.file, base_path),
        line_of(location),
        column_of(location),
        f"{result.rule_id} [{severity}]",
        "\n".join(body),
    )


def _command(level: str, file: str, line: int, col: int, title: str, message: str) -> str:
    properties = ",".join(
        f"{k}={_property(v)}"
        for k, v in (("file", file), ("line", str(line)), ("col", str(col)), ("title", title))
    )
    return f"::{level} {properties}::{_data(message)}"


def _data(value: str) -> str:
    """Escaped as GitHub's toolkit does for a command's message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    """Escaped as GitHub's toolkit does for a command's property values."""
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def inert_report(report: str) -> list[str]:
    """The plain-text report as lines the runner shows and never executes.

    The stop token is a digest of the report itself: a value in the report would have to contain
    the digest of a text that contains it to end the fence early.
    """
    token = "govern-" + hashlib.sha256(report.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return [
        f"::stop-commands::{token}",
        *(_inert(line) for line in report.splitlines()),
        f"::{token}::",
    ]


def _inert(line: str) -> str:
    """`line`, with the first character escaped if the runner would read it as a command."""
    body = line.lstrip()
    if body.startswith(("::", "##[")):
        indent = line[: len(line) - len(body)]
        return indent + ("%3A" if body[0] == ":" else "%23") + body[1:]
    return line


RENDERER = FunctionRenderer(
    "github",
    "text/plain",
    lambda assessment, options: render(assessment, base_path=options.base_path),
)
