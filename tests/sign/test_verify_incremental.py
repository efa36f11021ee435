"""`govern verify` on a signed PDF with content added after signing: a new revision made with a
real PDF library (pyHanko, pypdf) or bytes appended. It fails (exit 1), says in words that
content was added after signing and that the report is invalid, and prints no library noise."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govern.sign.appended import appended_after
from govern.sign.keys import GeneratedKeys
from tests.conftest import CliResult
from tests.sign.conftest import Signed

Run = Callable[..., CliResult]
ADDED = "content was added after signing"


def _pyhanko_annotation(data: bytes) -> bytes:
    """What a reviewer's PDF tool does: a sticky note added as an incremental update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = writer.root["/Pages"].raw_get("/Kids")[0]
    page = page_ref.get_object()
    note = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.NumberObject(0)] * 4),
            generic.NameObject("/Contents"): generic.TextStringObject("Approved by audit"),
        }
    )
    page[generic.NameObject("/Annots")] = generic.ArrayObject([writer.add_object(note)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pyhanko_text(data: bytes) -> bytes:
    """A forger's edit: text drawn over the first page in a new revision."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"].raw_get("/Kids")[0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (VERDICT: PASS) Tj ET")
    contents = page.raw_get("/Contents")
    kept = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page[generic.NameObject("/Contents")] = generic.ArrayObject([*kept, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pypdf_metadata(data: bytes) -> bytes:
    """pypdf's incremental writer changing the document title."""
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_metadata({"/Title": "Approved report"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _appended_comment(data: bytes) -> bytes:
    return data + b"% appended after signing\n"


def _appended_revision(data: bytes) -> bytes:
    """A hand-written revision with CRLF line ends, as some tools write them."""
    return data + b"1 0 obj\r\n<< /Forged true >>\r\nendobj\r\n%%EOF\r\n"


MODIFIERS = {
    "pyhanko-annotation": _pyhanko_annotation,
    "pyhanko-text": _pyhanko_text,
    "pypdf-metadata": _pypdf_metadata,
    "appended-comment": _appended_comment,
    "appended-revision": _appended_revision,
}


@pytest.mark.parametrize("modify", list(MODIFIERS))
def test_content_added_after_signing_is_invalid(
    signed: Signed, keys: GeneratedKeys, run_cli: Run, modify: str
) -> None:
    original = signed.pdf.read_bytes()
    changed = MODIFIERS[modify](original)
    assert changed.startswith(original) and len(changed) > len(original)
    signed.pdf.write_bytes(changed)

    result = run_cli("verify", signed.pdf, "--key", keys.public_key)

    assert result.code == 1, result.out + result.err
    assert result.err == ""
    assert "Traceback" not in result.out
    fail_lines = [line for line in result.out.splitlines() if line.startswith("FAIL")]
    assert fail_lines, result.out
    assert fail_lines[0].startswith("FAIL report.pdf: " + ADDED), fail_lines
    assert (
        f"{len(changed) - len(original)} byte(s) follow the {len(original)} signed bytes"
        in (fail_lines[0])
    )
    assert "invalid" in fail_lines[0]
    # A revision pyHanko cannot parse (no xref) is reported as structure, not as a signature.
    for line in result.out.splitlines():
        if "PAdES signature" in line:
            assert line.startswith("FAIL") and ADDED in line, line
    assert result.out.splitlines()[0].startswith("INVALID:")
    assert "verdict" not in result.out  # no verdict for a report that does not verify


def test_untouched_pdf_still_verifies(signed: Signed, keys: GeneratedKeys, run_cli: Run) -> None:
    result = run_cli("verify", signed.pdf, "--key", keys.public_key)
    assert result.code == 0, result.out + result.err
    assert ADDED not in result.out


def test_a_changed_byte_is_not_called_an_addition(
    signed: Signed, keys: GeneratedKeys, run_cli: Run
) -> None:
    """Editing inside the signed bytes and then appending is a change, not only an addition."""
    data = bytearray(signed.pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    signed.pdf.write_bytes(_appended_comment(bytes(data)))
    result = run_cli("verify", signed.pdf, "--key", keys.public_key)
    assert result.code == 1
    assert "FAIL report.pdf: sha256 is" in result.out


def test_subprocess_stderr_is_clean(signed: Signed, keys: GeneratedKeys) -> None:
    """The real entry point in a fresh interpreter: no warning, log line or traceback on stderr."""
    signed.pdf.write_bytes(_pyhanko_annotation(signed.pdf.read_bytes()))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "GOVERN_DEBUG")}
    result = subprocess.run(
        [sys.executable, "-m", "govern", "verify", str(signed.pdf), "--key", str(keys.public_key)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    assert ADDED in result.stdout


# ---------------------------------------------------------------------------------------------
# The detector on its own: any bytes after any revision end of a signed file


REVISION = st.binary(max_size=200).map(lambda body: b"%PDF-1.7\n" + body + b"\n%%EOF\n")


@settings(max_examples=200, deadline=None)
@given(signed=REVISION, added=st.binary(min_size=1, max_size=300))
def test_appended_bytes_are_found_after_the_signed_file(signed: bytes, added: bytes) -> None:
    found = appended_after(signed + added, hashlib.sha256(signed).hexdigest())
    assert found is not None
    assert (found.signed, found.added) == (len(signed), len(added))


@settings(max_examples=200, deadline=None)
@given(signed=REVISION, data=st.binary(max_size=300))
def test_unrelated_data_is_never_reported_as_an_addition(signed: bytes, data: bytes) -> None:
    """Without the signed bytes as a prefix, the answer is None, never a false explanation."""
    assume(not data.startswith(signed))
    assert appended_after(data, hashlib.sha256(signed).hexdigest()) is None
