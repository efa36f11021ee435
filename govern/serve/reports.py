"""A recorded run's report as PDF and HTML, rendered on first request and kept on disk after.

The same functions as `govern report` render and sign it, from the Assessment in the ledger. When
the server has a signing key the files are signed (a DSSE envelope beside them, and a PAdES
signature with the envelope inside the PDF when the key has a certificate); otherwise they are
served unsigned and the page says so.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from govern.engine.assessment import Assessment
from govern.engine.diff import Diff
from govern.sign.keys import SigningKey

Kind = Literal["pdf", "html", "envelope"]
NAMES: dict[Kind, str] = {
    "pdf": "report.pdf",
    "html": "report.html",
    "envelope": "report.intoto.jsonl",
}
MEDIA: dict[Kind, str] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "envelope": "application/vnd.dsse.envelope.v1+json",
}


def load_key(path: Path) -> SigningKey:
    """The server's signing key, its certificate beside it (PREFIX.crt) when there is one.

    An encrypted key takes its passphrase from GOVERN_KEY_PASSPHRASE, as `govern report` does.
    """
    from govern.sign.keys import certificate_beside, load_signing_key

    secret = os.environ.get("GOVERN_KEY_PASSPHRASE")
    passphrase = secret.encode("utf-8") if secret else None
    return load_signing_key(path, passphrase, certificate_beside(path))


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    signed: bool

    def path(self, kind: Kind) -> Path:
        return self.folder / NAMES[kind]


class ReportCache:
    """Rendered reports by run id, in `root`; one rendering at a time per run."""

    def __init__(self, root: Path | None, key: SigningKey | None) -> None:
        self._root = root
        self.key = key
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    @property
    def root(self) -> Path:
        """The folder given, or a temporary one made when the first report is asked for."""
        with self._guard:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="govern-serve-"))
            return self._root

    def _lock(self, run_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(run_id, threading.Lock())

    def files(
        self, run_id: int, assessment: Assessment, since_approved: Diff | None = None
    ) -> ReportFiles:
        """The run's report files, rendering (and signing) them if this is the first request."""
        tag = self.key.keyid[:16] if self.key is not None else "unsigned"
        folder = self.root / f"run-{run_id}-{tag}"
        done = folder / ".complete"
        with self._lock(run_id):
            if not done.is_file():
                _render(folder, assessment, self.key, since_approved)
                done.write_text("", encoding="utf-8")
        return ReportFiles(folder, self.key is not None)


def _render(
    folder: Path, assessment: Assessment, key: SigningKey | None, since_approved: Diff | None
) -> None:
    from govern.report.build import Outputs, render_report
    from govern.report.context import Signer
    from govern.report.html import TemplateSet
    from govern.sign.files import sign_and_write
    from govern.sign.keys import algorithm_name

    folder.mkdir(parents=True, exist_ok=True)
    pdf, html = folder / NAMES["pdf"], folder / NAMES["html"]
    envelope = folder / NAMES["envelope"] if key is not None else None
    signer = (
        None
        if key is None
        else Signer(key.keyid, key.certificate_subject, algorithm_name(key.public))
    )
    outputs = Outputs(pdf=pdf, html=html, envelope=envelope)
    rendered = render_report(assessment, TemplateSet.load(), outputs, signer, since_approved)
    assert rendered.pdf is not None
    files = [(pdf, rendered.pdf), (html, rendered.html.html.encode("utf-8"))]
    sign_and_write(files, pdf, assessment, rendered.json, envelope, key)
