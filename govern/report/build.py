"""One report run: JSON, HTML and PDF bytes rendered from one Assessment; govern.sign signs them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from govern.engine.assessment import ATTACHMENT_NAME, Assessment
from govern.engine.diff import Diff
from govern.render.json import render as render_json
from govern.report.context import ReportContext, ReportFiles, Signer, build_context
from govern.report.html import RenderedHtml, TemplateSet, render_html
from govern.report.pdf_result import Attachment, PdfRenderer, RenderHere

MAX_SHOWN = 8


@dataclass(frozen=True)
class Outputs:
    """Where the caller wants each format; at least one is set. `envelope` is where the
    signature envelope goes, set by the caller when the files will be signed."""

    pdf: Path | None = None
    html: Path | None = None
    json: Path | None = None
    envelope: Path | None = None

    @property
    def primary(self) -> Path:
        first = self.pdf or self.html or self.json
        assert first is not None, "Outputs needs at least one file"
        return first

    def names(self) -> ReportFiles:
        return ReportFiles(
            pdf=self.pdf.name if self.pdf else None,
            html=self.html.name if self.html else None,
            json=self.json.name if self.json else None,
            envelope=self.envelope.name if self.envelope else None,
        )


@dataclass(frozen=True)
class RenderedReport:
    context: ReportContext
    json: bytes
    html: RenderedHtml
    pdf: bytes | None
    pages: int
    missing_characters: tuple[str, ...] = ()

    def font_warning(self) -> str | None:
        """One line for the user when the PDF shows characters as empty boxes, else None.

        They are characters no installed font covers (Chinese, Japanese or Korean text, emoji
        with only DejaVu installed); docs/reports.md says which fonts to install.
        """
        if not self.missing_characters:
            return None
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in self.missing_characters[:MAX_SHOWN])
        more = len(self.missing_characters) - MAX_SHOWN
        rest = f" and {more} more" if more > 0 else ""
        return (
            f"{len(self.missing_characters)} character(s) have no glyph in the installed fonts "
            f"and show as empty boxes in the PDF: {shown}{rest}; install fonts that cover "
            "them (Debian: fonts-noto-cjk, fonts-noto-color-emoji) and render again"
        )


def render_report(
    assessment: Assessment,
    templates: TemplateSet,
    outputs: Outputs,
    signer: Signer | None = None,
    since_approved: Diff | None = None,
    pdf_renderer: PdfRenderer | None = None,
) -> RenderedReport:
    """Render every format from the same Assessment; the PDF embeds the exact JSON bytes.

    `signer` names who will sign the files, for the cover; signing itself happens afterwards,
    over these exact bytes (govern.sign.files.sign_and_write). `pdf_renderer` lays out the PDF:
    by default in this process; `govern report` passes a child process that imported WeasyPrint
    while this one assessed (govern.report.pdf_worker).
    """
    pdf_renderer = pdf_renderer or RenderHere()
    json_bytes = render_json(assessment).encode("utf-8")
    renderer = ""
    if outputs.pdf is not None:
        renderer = pdf_renderer.renderer()
    context = build_context(
        assessment,
        assessment_sha256=hashlib.sha256(json_bytes).hexdigest(),
        attachment=ATTACHMENT_NAME,
        files=outputs.names(),
        signer=signer,
        renderer=renderer,
        since_approved=since_approved,
    )
    html = render_html(context, templates)
    pdf, pages = None, 0
    missing: tuple[str, ...] = ()
    if outputs.pdf is not None:
        attachment = Attachment(
            ATTACHMENT_NAME, json_bytes, "application/json", "The assessment this report shows"
        )
        result = pdf_renderer.render(html, assessment.options.as_of, (attachment,))
        pdf, pages, missing = result.data, result.pages, result.missing_characters
    return RenderedReport(context, json_bytes, html, pdf, pages, missing)
