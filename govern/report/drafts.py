"""The Annex IV and Annex V drafts as HTML, laid out as PDF/A by the report's PDF renderer."""

from __future__ import annotations

import html

from govern.engine.technical_docs import Draft, Point
from govern.render.display import visible
from govern.render.drafts import draft_notice, section_status
from govern.report.html import RenderedHtml
from govern.report.pdf import render_pdf
from govern.report.pdf_result import PdfResult

_STYLE = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
  @top-center { content: "DRAFT - unsigned - not a statement of conformity"; color: #a00;
    font-family: sans-serif;
    font-size: 8pt; }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt;
    font-family: sans-serif; } }
body { font-family: sans-serif; font-size: 9.5pt; line-height: 1.35; color: #111; }
h1 { font-size: 16pt; margin: 0 0 6pt 0; }
h2 { font-size: 12pt; margin: 14pt 0 3pt 0; border-bottom: 1px solid #999; }
h3 { font-size: 10pt; margin: 8pt 0 2pt 0; }
.notice { border: 2px solid #a00; padding: 6pt; color: #600; font-weight: bold; }
.obligation { font-style: italic; color: #333; }
.gap { color: #a00; font-weight: bold; }
.todo { color: #850; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
td, th { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
code { font-family: monospace; font-size: 8.5pt; overflow-wrap: anywhere; }
ul { margin: 2pt 0 4pt 0; padding-left: 14pt; }
"""

_STATUS = {
    "documented": "documented",
    "gap": '<span class="gap">GAP</span>',
    "not_applicable": "not applicable",
    "to_complete": '<span class="todo">TO COMPLETE</span> by the provider',
}


def _e(value: object) -> str:
    """Evidence text as HTML text: control characters shown, markup characters escaped."""
    return html.escape(visible(str(value)), quote=True)


def render_html(draft: Draft) -> RenderedHtml:
    prefix = "Annex IV point" if draft.kind == "annex-iv" else "Annex V point"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>DRAFT: {_e(draft.title)}: {_e(draft.system_name)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>DRAFT: {_e(draft.title)}: {_e(draft.system_name)}</h1>",
        f"<p class='notice'>{_e(draft_notice(draft))}</p>",
        "<table><tr><th>System</th><th>Id</th><th>Version</th><th>Classification</th>"
        "<th>Verdict of the audit</th><th>Gaps</th></tr>",
        f"<tr><td>{_e(draft.system_name)}</td><td><code>{_e(draft.system_id)}</code></td>"
        f"<td>{_e(draft.system_version)}</td><td>{_e(draft.tier)}</td>"
        f"<td>{_e(draft.verdict)}</td><td>{draft.gaps}</td></tr></table>",
    ]
    for section in draft.sections:
        parts += [
            f"<h2>{_e(section.number)}. {_e(section.title)}</h2>",
            f"<p><span class='obligation'>{prefix} {_e(section.number)}: "
            f"{_e(section.obligation)}</span> Status: {_e(section_status(section))}.</p>",
        ]
        for point in section.points:
            parts.append(_point(point, draft.kind == "annex-iv"))
    parts += [
        "<h2>Evidence files</h2><table><tr><th>Kind</th><th>File</th><th>sha256</th></tr>",
        *(
            f"<tr><td>{_e(s.kind)}</td><td><code>{_e(s.path)}</code></td>"
            f"<td><code>{_e(s.sha256)}</code></td></tr>"
            for s in draft.sources
        ),
        "</table></body></html>",
    ]
    return RenderedHtml("".join(parts), {})


def _point(point: Point, heading: bool) -> str:
    parts = []
    if heading:
        rule = f" (<code>{_e(point.rule_id)}</code>)" if point.rule_id else ""
        parts.append(f"<h3>{_e(point.title)}{rule}</h3>")
    provisions = f" Provisions: {_e(', '.join(point.provisions))}." if point.provisions else ""
    items = [f"<li>Status: {_STATUS[point.status]}.{provisions}</li>"]
    if point.note:
        items.append(f"<li>{_e(point.note)}</li>")
    for missing in point.missing:
        where = f" at <code>{_e(missing.file)}:{missing.line}</code>" if missing.file else ""
        items.append(
            f"<li><span class='gap'>GAP</span>: expected {_e(missing.expected)}; "
            f"found {_e(missing.found)}{where}</li>"
        )
    for quote in point.quotes:
        where = f"{quote.file}:{quote.line}" if quote.line else quote.file
        items.append(
            f"<li><code>{_e(quote.field)}</code>: {_e(quote.value)} (<code>{_e(where)}</code>)</li>"
        )
    parts.append(f"<ul>{''.join(items)}</ul>")
    return "".join(parts)


def render_draft_pdf(draft: Draft) -> PdfResult:
    """The draft as PDF/A-3b; the same draft gives the same bytes (dates from its as-of day)."""
    return render_pdf(render_html(draft), draft.as_of)
