"""PAdES end to end: the key pair `keys generate --x509` wrote signs the PDF, verify checks it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.sign import pades
from govern.sign.keys import generate_keys, load_signing_key
from tests.conftest import CliResult
from tests.sign.conftest import AS_OF, flip, make_system

# PAdES-signs real PDFs (~4 s).
pytestmark = pytest.mark.slow

Run = Callable[..., CliResult]


@pytest.fixture
def pair(run_cli: Run, tmp_path: Path) -> Path:
    """PREFIX of a key pair and certificate, made the way a user makes them."""
    result = run_cli("keys", "generate", "--out", tmp_path / "k", "--x509", "--subject", "ACME")
    assert result.code == 0, result.err
    return tmp_path / "k"


def report(run_cli: Run, system: Path, out: Path, key: Path, *extra: str | Path) -> CliResult:
    return run_cli(
        "report",
        system,
        "--pdf",
        out / "r.pdf",
        "--json",
        out / "r.json",
        "--sign-key",
        key,
        "--as-of",
        AS_OF,
        *extra,
    )


def test_the_certificate_beside_the_key_is_used_without_sign_cert(
    run_cli: Run, pair: Path, tmp_path: Path
) -> None:
    system = make_system(tmp_path / "system")
    result = report(run_cli, system, tmp_path / "out", pair.with_suffix(".key"))
    assert result.code == 0, result.err
    assert f"PAdES certificate: {pair}.crt [CN=ACME] (found beside the key" in result.err
    assert "signed DSSE envelope and PAdES signature with sha256:" in result.err
    assert "r.pdf also holds its envelope: it verifies when sent alone" in result.err
    inventory = pades.inspect((tmp_path / "out" / "r.pdf").read_bytes())
    (signature,) = inventory.signatures
    assert signature.intact and signature.whole_file and signature.subject == "ACME"
    verify = run_cli("verify", tmp_path / "out" / "r.pdf", "--key", pair.with_suffix(".pub"))
    assert verify.code == 0, verify.out
    assert "ok   r.pdf PAdES signature: intact, by ACME at " in verify.out


def test_no_pdf_means_no_certificate_lookup(run_cli: Run, pair: Path, tmp_path: Path) -> None:
    system = make_system(tmp_path / "system")
    result = run_cli(
        "report", system, "--json", tmp_path / "r.json", "--sign-key", pair.with_suffix(".key")
    )
    assert result.code == 0, result.err
    assert "PAdES" not in result.err


def test_a_change_inside_the_signed_bytes_breaks_the_pades_signature(
    run_cli: Run, pair: Path, tmp_path: Path
) -> None:
    system = make_system(tmp_path / "system")
    assert report(run_cli, system, tmp_path / "out", pair.with_suffix(".key")).code == 0
    pdf = tmp_path / "out" / "r.pdf"
    flip(pdf, pdf.stat().st_size // 3)  # inside the rendered document, which PAdES covers
    (signature,) = pades.inspect(pdf.read_bytes()).signatures
    assert not signature.intact
    result = run_cli("verify", pdf, "--key", pair.with_suffix(".pub"))
    assert result.code == 1
    assert "FAIL r.pdf: sha256 is" in result.out
    assert "FAIL r.pdf PAdES signature: the signed bytes were changed" in result.out


def test_an_unrelated_certificate_beside_the_key_is_an_error(run_cli: Run, tmp_path: Path) -> None:
    run_cli("keys", "generate", "--out", tmp_path / "a")
    run_cli("keys", "generate", "--out", tmp_path / "b", "--x509")
    (tmp_path / "b.crt").rename(tmp_path / "a.crt")
    system = make_system(tmp_path / "system")
    result = report(run_cli, system, tmp_path / "out", tmp_path / "a.key")
    assert result.code == 2
    assert "a.crt: the certificate is not for the key in" in result.err
    assert "found beside the key: give the right one with --sign-cert" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_expired_certificate_is_refused(run_cli: Run, tmp_path: Path) -> None:
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    keys = generate_keys(tmp_path / "old", certificate_subject="Old", days=30, now=old)
    system = make_system(tmp_path / "system")
    result = report(run_cli, system, tmp_path / "out", keys.private_key)
    assert result.code == 2
    assert "the certificate expired on 2020-01-31" in result.err
    assert "make a new one with `govern keys generate`" in result.err
    key = load_signing_key(keys.private_key, cert_path=keys.certificate, now=old)
    assert key.certificate is not None  # valid while it was valid


def test_regenerating_without_x509_removes_the_stale_certificate(run_cli: Run, pair: Path) -> None:
    again = run_cli("keys", "generate", "--out", pair)
    assert again.code == 2 and "k.crt" in again.err  # kept unless forced
    forced = run_cli("keys", "generate", "--out", pair, "--force", "--no-x509")
    assert forced.code == 0, forced.err
    assert f"removed {pair}.crt (it certified the replaced key)" in forced.err
    assert not pair.with_suffix(".crt").exists()
