"""One report run: JSON, HTML and PDF rendered from one Assessment, then signed and written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from govern.assessment import Assessment
from govern.atomic import write_atomic
from govern.render.json import render as render_json
from govern.report.context import ReportContext, ReportFiles, Signer, build_context
from govern.report.html import RenderedHtml, TemplateSet, render_html
from govern.report.inputs import ReportInput
from govern.sign import (
    ATTACHMENT_NAME,
    Envelope,
    SigningKey,
    envelope_path,
    report_predicate,
    sign_report,
    signing_time,
)

MAX_SHOWN = 8


@dataclass(frozen=True)
class Outputs:
    """Where the caller wants each format; at least one is set."""

    pdf: Path | None = None
    html: Path | None = None
    json: Path | None = None
    envelope: Path | None = None

    @property
    def primary(self) -> Path:
        first = self.pdf or self.html or self.json
        assert first is not None, "Outputs needs at least one file"
        return first

    def signature_path(self) -> Path:
        return self.envelope or envelope_path(self.primary)

    def names(self, signed: bool) -> ReportFiles:
        return ReportFiles(
            pdf=self.pdf.name if self.pdf else None,
            html=self.html.name if self.html else None,
            json=self.json.name if self.json else None,
            envelope=self.signature_path().name if signed else None,
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
    inputs: ReportInput,
    templates: TemplateSet,
    outputs: Outputs,
    key: SigningKey | None = None,
) -> RenderedReport:
    """Render every format from the same Assessment; the PDF embeds the exact JSON bytes."""
    json_bytes = render_json(assessment).encode("utf-8")
    signer = None
    if key is not None:
        subject = None
        if key.certificate is not None:
            names = key.certificate.subject.rfc4514_string()
            subject = names or None
        signer = Signer(key.keyid, subject)
    renderer = ""
    if outputs.pdf is not None:
        from govern.report.pdf import RENDERER

        renderer = RENDERER
    context = build_context(
        assessment,
        inputs,
        assessment_sha256=hashlib.sha256(json_bytes).hexdigest(),
        attachment=ATTACHMENT_NAME,
        files=outputs.names(signed=key is not None),
        signer=signer,
        renderer=renderer,
    )
    html = render_html(context, templates)
    pdf, pages = None, 0
    missing: tuple[str, ...] = ()
    if outputs.pdf is not None:
        from govern.report.pdf import Attachment, render_pdf

        attachment = Attachment(
            ATTACHMENT_NAME, json_bytes, "application/json", "The assessment this report shows"
        )
        result = render_pdf(html, assessment.options.as_of, (attachment,))
        pdf, pages, missing = result.data, result.pages, result.missing_characters
    return RenderedReport(context, json_bytes, html, pdf, pages, missing)


@dataclass(frozen=True)
class WrittenReport:
    files: tuple[Path, ...]
    envelope: Path | None
    pades: bool


def write_report(
    rendered: RenderedReport,
    assessment: Assessment,
    outputs: Outputs,
    key: SigningKey | None = None,
) -> WrittenReport:
    """Sign (PAdES first, so the envelope covers the final PDF bytes) and write every file.

    The envelope is written last: a run interrupted before it leaves an unsigned report, which
    verify reports as unsigned, never a signature over files that were not all written.
    """
    pdf = rendered.pdf
    pades = False
    signed_at = signing_time()
    if pdf is not None and key is not None and key.certificate is not None:
        from govern import pades as pades_signer

        reason = f"govern assessment {assessment.system.id}"
        pdf = pades_signer.sign(pdf, key, reason=reason, when=signed_at)
        pades = True
    files: list[tuple[Path, bytes]] = []
    if outputs.pdf is not None and pdf is not None:
        files.append((outputs.pdf, pdf))
    if outputs.html is not None:
        files.append((outputs.html, rendered.html.html.encode("utf-8")))
    if outputs.json is not None:
        files.append((outputs.json, rendered.json))
    for path, data in files:
        write_atomic(path, data)
    envelope_file = None
    if key is not None:
        envelope_file = outputs.signature_path()
        predicate = report_predicate(assessment, rendered.json, key, signed_at)
        envelope: Envelope = sign_report(files, envelope_file, predicate, key)
        write_atomic(envelope_file, envelope.to_json())
    return WrittenReport(tuple(p for p, _ in files), envelope_file, pades)
