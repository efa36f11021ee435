"""Signing a report's files: one envelope beside them naming each file with its sha256."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govern.engine.assessment import ATTACHMENT_NAME, Assessment
from govern.outputs import write_atomic
from govern.sign.dsse import Envelope, sign_envelope
from govern.sign.keys import SigningKey
from govern.sign.statement import (
    PREDICATE_TYPE,
    ReportPredicate,
    StatementBuilder,
    Subject,
    report_predicate,
)
from govern.sign.svr import sign_svr, svr_path

ENVELOPE_SUFFIX = ".intoto.jsonl"
# The envelope a PAdES-signed PDF carries inside: it signs the attached assessment, and the
# PAdES signature (which covers it) signs the pages, so the PDF verifies with nothing beside it.
EMBEDDED_ENVELOPE = "assessment" + ENVELOPE_SUFFIX


def signing_time() -> dt.datetime:
    """Now, to the second, in UTC; SOURCE_DATE_EPOCH fixes it for reproducible signed outputs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def envelope_path(primary: Path) -> Path:
    """The envelope beside the main report file: report.pdf -> report.intoto.jsonl."""
    return primary.with_name(primary.stem + ENVELOPE_SUFFIX)


def subject_name(path: Path, envelope: Path) -> str:
    """A subject is named by its path from the envelope's folder, so a copied folder verifies."""
    return Path(os.path.relpath(path.resolve(), envelope.resolve().parent)).as_posix()


def sign_report(
    files: Sequence[tuple[Path, bytes]],
    envelope: Path,
    predicate: ReportPredicate,
    key: SigningKey,
) -> Envelope:
    """Sign the final bytes of every report file; the caller writes the envelope after them."""
    statement = (
        StatementBuilder()
        .subjects(Subject.for_file(subject_name(path, envelope), data) for path, data in files)
        .predicate(PREDICATE_TYPE, predicate)
        .build()
    )
    return sign_envelope(statement.to_payload(), key)


def embedded_envelope(predicate: ReportPredicate, assessment_json: bytes, key: SigningKey) -> bytes:
    """The envelope that goes inside the PDF: its one subject is the attached assessment.

    It cannot name the PDF (it is part of it); the PAdES signature covers the PDF instead.
    """
    statement = (
        StatementBuilder()
        .subject(Subject.for_file(ATTACHMENT_NAME, assessment_json))
        .predicate(PREDICATE_TYPE, predicate)
        .build()
    )
    return sign_envelope(statement.to_payload(), key).to_json().encode("utf-8")


@dataclass(frozen=True)
class WrittenReport:
    files: tuple[Path, ...]
    envelope: Path | None
    pades: bool
    # The in-toto Simple Verification Result written beside the envelope (sign/svr.py).
    svr: Path | None = None


def sign_and_write(
    files: Sequence[tuple[Path, bytes]],
    pdf: Path | None,
    assessment: Assessment,
    assessment_json: bytes,
    envelope_file: Path | None,
    key: SigningKey | None = None,
) -> WrittenReport:
    """Sign (PAdES first, so the envelope covers the final PDF bytes) and write every file.

    `pdf` names which of `files` is the PDF. A PAdES-signed PDF also gets the envelope of its
    attached assessment inside, so that it verifies when sent alone. The envelope is written
    last: a run interrupted before it leaves an unsigned report, which verify reports as
    unsigned, never a signature over files that were not all written.
    """
    signed_at = signing_time()
    pades = False
    final: list[tuple[Path, bytes]] = []
    for path, data in files:
        if path == pdf and key is not None and key.certificate is not None:
            from govern.sign import pades as pades_signer

            reason = f"govern assessment {assessment.system.id}"
            inside = pades_signer.EmbeddedFile(
                name=EMBEDDED_ENVELOPE,
                data=embedded_envelope(
                    report_predicate(assessment, assessment_json, key, signed_at),
                    assessment_json,
                    key,
                ),
                mime="application/vnd.dsse.envelope.v1+json",
                description="DSSE envelope (in-toto statement) signing the attached assessment",
            )
            data = pades_signer.sign(data, key, reason=reason, when=signed_at, embed=(inside,))
            pades = True
        final.append((path, data))
    for path, data in final:
        write_atomic(path, data)
    if key is None or envelope_file is None:
        return WrittenReport(tuple(p for p, _ in final), None, pades)
    predicate = report_predicate(assessment, assessment_json, key, signed_at)
    envelope: Envelope = sign_report(final, envelope_file, predicate, key)
    svr_file = svr_path(envelope_file)
    # The SVR first: the report's envelope, written last, is what makes the report signed.
    write_atomic(svr_file, sign_svr(assessment, predicate, key).to_json())
    write_atomic(envelope_file, envelope.to_json())
    return WrittenReport(tuple(p for p, _ in final), envelope_file, pades, svr_file)
