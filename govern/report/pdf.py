"""The report HTML as a reproducible PDF/A-3b with the assessment JSON attached, via WeasyPrint.

Two guarantees live here. Safety: the URL fetcher serves only the template assets the HTML
renderer handed out and refuses everything else (http, https, file, data, ...), logging each
request. Reproducibility: every date comes from the assessment's as-of date, the file identifier
is a hash of the inputs (HTML, attachments, date), and font subsets get the same timestamp
(SOURCE_DATE_EPOCH) each run; nothing reads the clock or a random source.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import weasyprint
import weasyprint.html
from weasyprint.urls import URLFetcher, URLFetcherResponse

from govern.report.html import Asset, RenderedHtml
from govern.report.pdf_result import Attachment, FetchLog, FetchRecord, PdfResult

PDF_VARIANT = "pdf/a-3b"
RENDERER = f"WeasyPrint {weasyprint.__version__}"

__all__ = ["RENDERER", "Attachment", "FetchLog", "FetchRecord", "PdfResult", "render_pdf"]


def _loggable(url: str) -> str:
    if url.startswith("data:") and len(url) > 80:
        head = url.split(",", 1)[0]
        return f"{head},… (sha256 {hashlib.sha256(url.encode()).hexdigest()[:16]})"
    return url


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """Serves the registered template assets byte for byte; refuses every other URL."""

    def __init__(self, assets: Mapping[str, Asset], log: FetchLog) -> None:
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        self._assets = dict(assets)
        self._log = log

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        asset = self._assets.get(url)
        if asset is None:
            scheme = url.split(":", 1)[0].lower() if ":" in url else "relative"
            self._log.records.append(
                FetchRecord(_loggable(url), "refused", f"{scheme} URL is not a template asset")
            )
            raise ValueError(f"govern reports load no external resources ({scheme} URL refused)")
        self._log.records.append(FetchRecord(_loggable(url), "served", asset.name))
        return URLFetcherResponse(url, asset.data, {"Content-Type": asset.mime})


# The environment is process-wide: two renders in threads must not restore each other's value.
_ENVIRONMENT_LOCK = threading.Lock()


@contextlib.contextmanager
def _source_date_epoch(moment: dt.datetime) -> Iterator[None]:
    """Pin fontTools' subset timestamps (it reads SOURCE_DATE_EPOCH), then restore the variable."""
    with _ENVIRONMENT_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous


def file_identifier(html: RenderedHtml, as_of: dt.date, attachments: tuple[Attachment, ...]) -> str:
    """The PDF /ID: a digest of everything the PDF is made from, so it is the same every run."""
    digest = hashlib.sha256(b"govern-report-pdf\0" + as_of.isoformat().encode())
    digest.update(hashlib.sha256(html.html.encode("utf-8")).digest())
    for name in sorted(html.assets):
        digest.update(hashlib.sha256(html.assets[name].data).digest())
    for attachment in attachments:
        digest.update(attachment.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(attachment.data).digest())
    return digest.hexdigest()[:32]


def _single_associated_files(document: Any, pdf: Any) -> None:
    """WeasyPrint lists each PDF/A-3 associated file twice in /AF; keep one of each."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)


NOTDEF_WARNING = ".notdef glyph rendered"


class MissingGlyphs(logging.Handler):
    """Collects the characters WeasyPrint drew as .notdef (an empty box): no font covers them.

    WeasyPrint logs a warning for each such glyph, naming the character and its code point.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.characters: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if not str(record.msg).startswith(NOTDEF_WARNING):
            return
        args = record.args if isinstance(record.args, tuple) else ()
        for code in args:
            if isinstance(code, int) and 0 <= code <= 0x10FFFF:
                self.characters[chr(code)] = None


@contextlib.contextmanager
def _quiet_weasyprint() -> Iterator[MissingGlyphs]:
    """Keep WeasyPrint from printing; keep only what it says about characters without a glyph.

    Refused URLs are expected (the fetcher logs them), so its other warnings are dropped.
    """
    logger = logging.getLogger("weasyprint")
    previous = logger.level, logger.propagate
    missing = MissingGlyphs()
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.addHandler(missing)
    try:
        yield missing
    finally:
        logger.removeHandler(missing)
        logger.setLevel(previous[0])
        logger.propagate = previous[1]


# WeasyPrint's user-agent rules for footnotes and notes (`::footnote-call`, `::note-marker`, ...)
# are pseudo-elements of every element: each element gets their computed styles, about a twentieth
# of the work of laying out the report, whether or not anything is a footnote.
_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z-]+ \{[^}]*\}$", re.MULTILINE)
_USES_NOTES = re.compile(r"footnote|note\(", re.IGNORECASE)


@functools.cache
def _stylesheet_without_notes() -> Any:
    """WeasyPrint's user-agent stylesheet less its note rules; None if it has none to drop."""
    # These are WeasyPrint's internals (70): on a release without them, its own sheet is used.
    source = getattr(weasyprint.html, "UA", None)
    counters = getattr(weasyprint.html, "UA_COUNTER_STYLE", None)
    if not isinstance(source, str) or counters is None:
        return None
    trimmed, dropped = _NOTE_RULES.subn("", source)
    if not dropped:
        return None
    return weasyprint.CSS(string=trimmed, counter_style=counters)


class _ReportHtml(weasyprint.HTML):  # type: ignore[misc]
    """The report's HTML, laid out without the note rules when it uses no footnote or note.

    Only the built-in user-agent sheet is swapped, and only for a page whose HTML and styles never
    name a footnote or `note()`: a template that does use them gets WeasyPrint's own rules. The
    PDF is the same either way; the test suite compares the bytes.
    """

    def __init__(self, *, string: str, **kwargs: Any) -> None:
        super().__init__(string=string, **kwargs)
        self._notes = _USES_NOTES.search(string) is not None

    def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
        sheets: list[Any] = super()._ua_stylesheets(forms)
        lean = None if self._notes else _stylesheet_without_notes()
        full = getattr(weasyprint.html, "UA_STYLESHEET", None)
        if lean is None or full is None:
            return sheets
        return [lean if sheet is full else sheet for sheet in sheets]


def render_pdf(
    html: RenderedHtml, as_of: dt.date, attachments: tuple[Attachment, ...] = ()
) -> PdfResult:
    """Lay out and write the PDF; the same HTML, date and attachments give the same bytes."""
    moment = dt.datetime.combine(as_of, dt.time(), dt.UTC)
    log = FetchLog()
    fetcher = AssetFetcher(html.assets, log)
    files = [
        weasyprint.Attachment(
            string=a.data,
            name=a.name,
            description=a.description,
            created=moment,
            modified=moment,
            relationship="Source",
            url_fetcher=fetcher,
        )
        for a in attachments
    ]
    with _source_date_epoch(moment), _quiet_weasyprint() as missing:
        document = _ReportHtml(string=html.html, url_fetcher=fetcher, base_url=None).render()
        data = document.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_identifier=file_identifier(html, as_of, attachments).encode("ascii"),
            attachments=files,
            custom_metadata=False,
            finisher=_single_associated_files,
        )
    characters = tuple(sorted(missing.characters, key=ord))
    return PdfResult(data, log, len(document.pages), characters)
