"""`govern keys generate`: key files (ECDSA P-256 by default, Ed25519 on request), modes,
passphrases, certificates and fingerprints."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govern.sign.keys import (
    KeyFileError,
    fingerprint,
    load_certificate,
    load_private_key,
    load_public_key,
    load_signing_key,
)
from tests.conftest import CliResult

Run = Callable[..., CliResult]


def test_generate_writes_a_private_key_only_its_owner_can_read(
    run_cli: Run, tmp_path: Path
) -> None:
    result = run_cli("keys", "generate", "--out", tmp_path / "team", "--no-x509")
    assert result.code == 0, result.err
    key, pub = tmp_path / "team.key", tmp_path / "team.pub"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert pub.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert not (tmp_path / "team.crt").exists()
    public = load_public_key(pub)
    assert result.out.strip() == fingerprint(public)
    assert fingerprint(load_private_key(key).public_key()) == fingerprint(public)


def test_fingerprint_is_the_sha256_of_the_der_public_key(tmp_path: Path, run_cli: Run) -> None:
    run_cli("keys", "generate", "--out", tmp_path / "k")
    public = load_public_key(tmp_path / "k.pub")
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert fingerprint(public) == "sha256:" + hashlib.sha256(der).hexdigest()


def test_x509_writes_a_self_signed_certificate_for_the_key(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli(
        "keys", "generate", "--out", tmp_path / "k", "--x509", "--subject", "ACME Model Risk"
    )
    assert result.code == 0, result.err
    cert = load_certificate(tmp_path / "k.crt")
    assert cert.subject.rfc4514_string() == "CN=ACME Model Risk"
    assert cert.issuer == cert.subject
    assert fingerprint(cert.public_key()) == result.out.strip()  # type: ignore[arg-type]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    load_signing_key(tmp_path / "k.key", cert_path=tmp_path / "k.crt")
    assert fingerprint(load_public_key(tmp_path / "k.crt")) == result.out.strip()


def test_passphrase_encrypts_the_key(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERN_KEY_PASSPHRASE", "correct horse")
    assert run_cli("keys", "generate", "--out", tmp_path / "k", "--passphrase").code == 0
    key = tmp_path / "k.key"
    assert key.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    load_private_key(key, b"correct horse")
    with pytest.raises(KeyFileError, match="the key is encrypted; set GOVERN_KEY_PASSPHRASE"):
        load_private_key(key)
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        load_private_key(key, b"wrong")


def test_existing_keys_are_kept_unless_forced(run_cli: Run, tmp_path: Path) -> None:
    first = run_cli("keys", "generate", "--out", tmp_path / "k")
    again = run_cli("keys", "generate", "--out", tmp_path / "k")
    assert again.code == 2
    assert "already exists; choose another --out or pass --force" in again.err
    assert fingerprint(load_public_key(tmp_path / "k.pub")) == first.out.strip()
    forced = run_cli("keys", "generate", "--out", tmp_path / "k", "--force")
    assert forced.code == 0 and forced.out != first.out


def test_the_default_is_p256_with_a_certificate_and_ed25519_is_kept(
    run_cli: Run, tmp_path: Path
) -> None:
    """PDF readers verify ECDSA P-256 PAdES signatures, not Ed25519 ones: P-256 is the default."""
    default = run_cli("keys", "generate", "--out", tmp_path / "p")
    assert default.code == 0, default.err
    public = load_public_key(tmp_path / "p.pub")
    assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"
    cert = load_certificate(tmp_path / "p.crt")
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    assert fingerprint(load_public_key(tmp_path / "p.crt")) == default.out.strip()
    ed = run_cli("keys", "generate", "--out", tmp_path / "e", "--algorithm", "ed25519")
    assert ed.code == 0, ed.err
    assert isinstance(load_public_key(tmp_path / "e.pub"), Ed25519PublicKey)
    load_signing_key(tmp_path / "e.key", cert_path=tmp_path / "e.crt")


def test_keys_of_other_types_and_curves_are_refused(tmp_path: Path) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    (tmp_path / "p384.key").write_bytes(
        p384.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "p384.pub").write_bytes(
        p384.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    with pytest.raises(KeyFileError, match="not an ECDSA P-256 or Ed25519 key"):
        load_private_key(tmp_path / "p384.key")
    with pytest.raises(KeyFileError, match="not an ECDSA P-256 or Ed25519 key"):
        load_public_key(tmp_path / "p384.pub")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "rsa.key"
    path.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(KeyFileError, match="not an ECDSA P-256 or Ed25519 key"):
        load_private_key(path)
    with pytest.raises(KeyFileError, match=r"this is a private key; verify with the \.pub file"):
        load_public_key(path)
    (tmp_path / "junk.pub").write_text("hello\n")
    with pytest.raises(KeyFileError, match="not a PEM public key"):
        load_public_key(tmp_path / "junk.pub")


def test_a_certificate_for_another_key_is_refused(run_cli: Run, tmp_path: Path) -> None:
    run_cli("keys", "generate", "--out", tmp_path / "a", "--x509")
    run_cli("keys", "generate", "--out", tmp_path / "b", "--x509")
    with pytest.raises(KeyFileError, match=r"b\.crt: the certificate is not for the key in"):
        load_signing_key(tmp_path / "a.key", cert_path=tmp_path / "b.crt")


def test_a_passphrase_needs_a_terminal_or_the_variable(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    result = run_cli("keys", "generate", "--out", tmp_path / "k", "--passphrase")
    assert result.code == 2
    assert result.err.strip() == (
        "error: --passphrase: no terminal to ask on; set GOVERN_KEY_PASSPHRASE"
    )
    monkeypatch.setenv("GOVERN_KEY_PASSPHRASE", "")
    empty = run_cli("keys", "generate", "--out", tmp_path / "k", "--passphrase")
    assert empty.code == 2 and "the passphrase is empty" in empty.err
    assert not list(tmp_path.iterdir())  # nothing written


def _git_init(folder: Path) -> Path:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)
    return folder


def test_generate_warns_about_a_private_key_git_would_commit(tmp_path: Path, run_cli: Run) -> None:
    repo = _git_init(tmp_path / "repo")
    result = run_cli("keys", "generate", "--out", repo / "signing")
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "signing.key" in warnings[0] and ".gitignore" in warnings[0]


def test_generate_is_quiet_when_the_key_is_ignored_or_outside_a_repository(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _git_init(tmp_path / "repo")
    (repo / ".gitignore").write_text("*.key\n")
    ignored = run_cli("keys", "generate", "--out", repo / "signing")
    outside = run_cli("keys", "generate", "--out", tmp_path / "elsewhere" / "signing")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # git missing: never a failure
    (repo / ".gitignore").unlink()
    no_git = run_cli("keys", "generate", "--out", repo / "other")
    for result in (ignored, outside, no_git):
        assert result.code == 0, result.err
        assert "warning" not in result.err


def test_repository_gitignore_covers_private_keys() -> None:
    import subprocess

    from tests.conftest import REPO

    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for name in ("govern-signing.key", "keys/acme-signing.key", "release-key.pem", "a.p12"):
        done = subprocess.run(
            ["git", "-C", str(REPO), "check-ignore", "-q", "--no-index", name], check=False
        )
        assert done.returncode == 0, f"{name} is not ignored by .gitignore"
