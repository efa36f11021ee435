"""What a PDF rendering takes and gives, apart from the renderer: WeasyPrint need not be imported
to describe a job, so the process that assesses can hand one to a process that renders
(govern.report.pdf_worker) without paying WeasyPrint's import itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from govern.report.html import RenderedHtml


@dataclass(frozen=True)
class FetchRecord:
    """One resource request: its URL (a long data: URL shortened to a digest) and the outcome."""

    url: str
    decision: Literal["served", "refused"]
    reason: str


@dataclass
class FetchLog:
    records: list[FetchRecord] = field(default_factory=list)

    @property
    def refused(self) -> list[FetchRecord]:
        return [r for r in self.records if r.decision == "refused"]

    @property
    def served(self) -> list[FetchRecord]:
        return [r for r in self.records if r.decision == "served"]


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    mime: str
    description: str


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    fetches: FetchLog
    pages: int
    missing_characters: tuple[str, ...] = ()


class PdfRenderer(Protocol):
    """Lays out report HTML as the PDF; govern.report.pdf in this process, or a worker's child."""

    def renderer(self) -> str:
        """The renderer and its version, for the report's cover ("WeasyPrint 70.0")."""
        ...

    def render(
        self, html: RenderedHtml, as_of: dt.date, attachments: tuple[Attachment, ...]
    ) -> PdfResult:
        """The PDF of `html`; the same inputs give the same bytes, whichever renderer."""
        ...


class RenderHere:
    """The PdfRenderer of a one-process run: WeasyPrint is imported here, when first needed."""

    def renderer(self) -> str:
        from govern.report.pdf import RENDERER

        return RENDERER

    def render(
        self, html: RenderedHtml, as_of: dt.date, attachments: tuple[Attachment, ...]
    ) -> PdfResult:
        from govern.report.pdf import render_pdf

        return render_pdf(html, as_of, attachments)
