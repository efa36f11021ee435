"""The Annex IV and Annex V drafts as Markdown, every evidence value escaped as inline text."""

from __future__ import annotations

from govern import __version__
from govern.engine.technical_docs import Draft, Point, Section
from govern.render.markdown_escape import md_code, md_text

_STATUS = {
    "documented": "documented",
    "gap": "**GAP**",
    "not_applicable": "not applicable",
    "to_complete": "**TO COMPLETE** by the provider",
}


def draft_notice(draft: Draft) -> str:
    """The label every draft carries, in Markdown and PDF alike: what it is and is not."""
    what = (
        "It is not a declaration of conformity until the provider completes, checks and signs "
        "it; govern states no conformity the evidence does not show."
        if draft.kind == "declaration"
        else "It is not the provider's approved technical documentation until the provider "
        "completes and approves it."
    )
    return (
        f"DRAFT for review, assembled by govern {__version__} from the evidence files listed "
        f"at the end, as of {draft.as_of} (calendar: {draft.calendar}); unsigned. {what} "
        "Every point the evidence does not document is marked GAP."
    )


def section_status(section: Section) -> str:
    gaps = len(section.gaps)
    if gaps:
        return f"{gaps} gap{'s' if gaps != 1 else ''}"
    if not section.applicable:
        return "not applicable"
    if any(p.status == "to_complete" for p in section.points):
        return "to complete by the provider"
    return "documented"


def render_markdown(draft: Draft) -> str:
    lines = [
        f"# DRAFT: {md_text(draft.title)}: {md_text(draft.system_name)}",
        "",
        f"> **{md_text(draft_notice(draft))}**",
        "",
        "| System | Id | Version | Classification | Verdict of the audit | Gaps |",
        "|---|---|---|---|---|---|",
        f"| {md_text(draft.system_name)} | {md_code(draft.system_id, in_table=True)} "
        f"| {md_text(draft.system_version)} | {md_text(draft.tier)} | {md_text(draft.verdict)} "
        f"| {draft.gaps} |",
        "",
    ]
    prefix = "Annex IV point" if draft.kind == "annex-iv" else "Annex V point"
    for section in draft.sections:
        lines += [
            f"## {section.number}. {md_text(section.title)}",
            "",
            f"*{prefix} {section.number}: {md_text(section.obligation)}* "
            f"Status: {md_text(section_status(section))}.",
            "",
        ]
        for point in section.points:
            lines += _point(point, draft.kind == "annex-iv")
    lines += [
        "## Evidence files",
        "",
        "| Kind | File | sha256 |",
        "|---|---|---|",
        *(
            f"| {md_text(s.kind)} | {md_code(s.path, in_table=True)} "
            f"| {md_code(s.sha256, in_table=True)} |"
            for s in draft.sources
        ),
        "",
    ]
    return "\n".join(lines)


def _point(point: Point, heading: bool) -> list[str]:
    rule = f" ({md_code(point.rule_id)})" if point.rule_id else ""
    provisions = f" {', '.join(md_text(p) for p in point.provisions)}" if point.provisions else ""
    lines = []
    if heading:
        lines += [f"### {md_text(point.title)}{rule}", ""]
    lines.append(f"- Status: {_STATUS[point.status]}.{provisions and ' Provisions:' + provisions}")
    if point.note:
        lines.append(f"- {md_text(point.note)}")
    for missing in point.missing:
        where = f" at {md_code(f'{missing.file}:{missing.line}')}" if missing.file else ""
        lines.append(
            f"- **GAP**: expected {md_text(missing.expected)}; found {md_text(missing.found)}"
            f"{where}"
        )
    for quote in point.quotes:
        where = f"{quote.file}:{quote.line}" if quote.line else quote.file
        lines.append(f"- {md_code(quote.field)}: {md_text(quote.value)} ({md_code(where)})")
    lines.append("")
    return lines
