"""A signed PDF sent alone verifies, in `govern verify` and in PDF readers (poppler's pdfsig),
stays PDF 1.7 as PDF/A-3b requires, and passes `qpdf --check`."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from govern.sign.files import EMBEDDED_ENVELOPE
from govern.sign.keys import GeneratedKeys, generate_keys
from tests.conftest import CliResult
from tests.sign.conftest import AS_OF, flip, make_system, sign

pytestmark = pytest.mark.slow

Run = Callable[..., CliResult]
REQUIRED = os.environ.get("GOVERN_TEST_PDFSIG") == "1"


def tool(name: str) -> str:
    """The tool's path; skip only where it is absent and the variable does not require it."""
    path = shutil.which(name)
    if path is None:
        if REQUIRED:
            pytest.fail(f"GOVERN_TEST_PDFSIG=1 but {name} is not installed")
        pytest.skip(f"{name} is not installed (apt-get install poppler-utils qpdf)")
    return path


@dataclass(frozen=True)
class Sent:
    pdf: Path  # alone in its folder
    system: Path
    keys: GeneratedKeys


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Sent:
    """One report signed with the default key `govern keys generate` makes, the PDF copied alone."""
    root = tmp_path_factory.mktemp("standalone")
    keys = generate_keys(root / "keys" / "signer", certificate_subject="ACME Model Risk Office")
    signed = sign(make_system(root / "system"), root / "out", keys.private_key, None)
    alone = root / "inbox"
    alone.mkdir()
    shutil.copy(signed.pdf, alone)
    return Sent(alone / "report.pdf", signed.system, keys)


@pytest.fixture
def copy(sent: Sent, tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    return Path(shutil.copy(sent.pdf, tmp_path / "inbox" / "report.pdf"))


def test_the_pdf_alone_verifies_with_everything_the_envelope_checked(
    run_cli: Run, sent: Sent
) -> None:
    assert [p.name for p in sent.pdf.parent.iterdir()] == ["report.pdf"]
    result = run_cli("verify", sent.pdf, "--key", sent.keys.public_key, "--evidence", sent.system)
    assert result.code == 0, result.out
    lines = result.out.splitlines()
    assert lines[0] == f"VALID: {sent.pdf} (alone: the signatures inside the PDF)"
    assert f"ok   report.pdf envelope inside ({EMBEDDED_ENVELOPE}): ECDSA P-256" in result.out
    assert "ok   report.pdf attached assessment.json: matches the signed assessment" in result.out
    assert "ok   report.pdf PAdES signature: intact, by ACME Model Risk Office" in result.out
    assert "ok   evidence docs/card.yaml" in result.out
    assert "ok   policy pack/rules.yaml" in result.out
    assert lines[-1] == f"verdict as signed: PASS: Demo Scorer 1.0.0, as of {AS_OF}"
    assert not any(line.startswith("FAIL") for line in lines)


@pytest.mark.parametrize("where", [0.1, 0.5, 0.97])
def test_one_changed_byte_does_not_verify(
    run_cli: Run, sent: Sent, copy: Path, where: float
) -> None:
    flip(copy, int(copy.stat().st_size * where))
    result = run_cli("verify", copy, "--key", sent.keys.public_key)
    assert result.code == 1, result.out
    assert result.out.startswith("INVALID"), result.out
    assert "verdict" not in result.out and "Traceback" not in result.out + result.err


def test_changed_evidence_fails_the_pdf_alone(run_cli: Run, sent: Sent, tmp_path: Path) -> None:
    system = shutil.copytree(sent.system, tmp_path / "system")
    card = system / "docs" / "card.yaml"
    card.write_text(card.read_text() + "# edited\n")
    result = run_cli("verify", sent.pdf, "--key", sent.keys.public_key, "--evidence", system)
    assert result.code == 1
    assert result.out.startswith("INVALID: 1 check(s) failed")
    assert "FAIL evidence docs/card.yaml: changed since the report" in result.out


def test_another_key_does_not_verify_the_pdf_alone(
    run_cli: Run, sent: Sent, tmp_path: Path
) -> None:
    other = generate_keys(tmp_path / "other", certificate_subject="Someone Else")
    result = run_cli("verify", sent.pdf, "--key", other.public_key)
    assert result.code == 1
    assert result.out.startswith("INVALID")
    assert "signed by another key" in result.out and "verdict" not in result.out


def test_pdfsig_says_the_signature_is_valid(sent: Sent) -> None:
    """Poppler (Evince, Okular) checks the PAdES signature; the self-signed certificate is not
    trusted by it, which is the certificate check, not the signature's."""
    done = subprocess.run(
        [tool("pdfsig"), str(sent.pdf)], capture_output=True, text=True, check=False
    )
    assert "Signature is Valid." in done.stdout, done.stdout + done.stderr
    assert "Total document signed" in done.stdout
    assert "Signer Certificate Common Name: ACME Model Risk Office" in done.stdout


def test_pdfsig_says_a_changed_file_is_not_valid(sent: Sent, copy: Path) -> None:
    pdfsig = tool("pdfsig")
    flip(copy, copy.stat().st_size // 2)
    done = subprocess.run([pdfsig, str(copy)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." not in done.stdout, done.stdout


def test_qpdf_check_passes(sent: Sent) -> None:
    done = subprocess.run(
        [tool("qpdf"), "--check", str(sent.pdf)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout


def test_the_signed_file_stays_pdf_1_7_as_pdf_a_3b_requires(sent: Sent) -> None:
    data = sent.pdf.read_bytes()
    assert data.startswith(b"%PDF-1.7")
    reader = PdfReader(sent.pdf)
    root = reader.trailer["/Root"]
    assert root.get("/Version") in (None, "/1.7")
    extensions = root.get("/Extensions")
    assert extensions is None or "/ISO_" not in extensions  # no PDF 2.0 extension declared
    xmp = root["/Metadata"].get_object().get_data()  # the update keeps the PDF/A-3b claim
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in xmp
    assert set(reader.attachments) == {"assessment.json", EMBEDDED_ENVELOPE}


def unsigned_original(signed: bytes) -> bytes:
    """The PDF as rendered: the signature is an incremental update after its first %%EOF."""
    end = signed.index(b"%%EOF") + len(b"%%EOF")
    return signed[: end + 1] if signed[end : end + 1] == b"\n" else signed[:end]


def test_the_envelope_inside_is_not_enough_without_the_signers_pades_signature(
    run_cli: Run, sent: Sent, tmp_path: Path
) -> None:
    """Someone who lifts the envelope out of a genuine report into other pages gets nothing:
    unsigned pages, or pages signed with their own key, do not verify with the signer's key."""
    import datetime as dt
    import io

    from pypdf import PdfWriter

    from govern.sign import pades
    from govern.sign.keys import load_signing_key

    genuine = sent.pdf.read_bytes()
    envelope = PdfReader(sent.pdf).attachments[EMBEDDED_ENVELOPE][0]
    original = unsigned_original(genuine)
    assert original.startswith(b"%PDF-") and len(original) < len(genuine)

    writer = PdfWriter(clone_from=io.BytesIO(original))
    writer.add_attachment(EMBEDDED_ENVELOPE, envelope)
    unsigned = tmp_path / "unsigned.pdf"
    with unsigned.open("wb") as out:
        writer.write(out)
    result = run_cli("verify", unsigned, "--key", sent.keys.public_key)
    assert result.code == 1 and result.out.startswith("INVALID"), result.out
    assert "FAIL unsigned.pdf PAdES signature: none: nothing signs the pages" in result.out

    other = generate_keys(tmp_path / "other", certificate_subject="ACME Model Risk Office")
    inside = pades.EmbeddedFile(EMBEDDED_ENVELOPE, envelope, "application/json", "lifted")
    resigned = tmp_path / "resigned.pdf"
    resigned.write_bytes(
        pades.sign(
            original,
            load_signing_key(other.private_key, cert_path=other.certificate),
            reason="forged",
            when=dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
            embed=(inside,),
        )
    )
    result = run_cli("verify", resigned, "--key", sent.keys.public_key)
    assert result.code == 1 and result.out.startswith("INVALID"), result.out
    assert "FAIL resigned.pdf PAdES signature: made with another key" in result.out
    assert "verdict" not in result.out
