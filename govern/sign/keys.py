"""Signing keys: ECDSA P-256 or Ed25519 key pairs, their fingerprints and X.509 certificates.

ECDSA P-256 is the default because PDF readers (poppler's pdfsig, Evince, Okular, Adobe Acrobat)
verify its PAdES signatures; most of them cannot check Ed25519 in a PDF yet. Ed25519 stays
available (`--algorithm ed25519`) and is still accepted for the DSSE envelope.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeGuard, get_args

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID

from govern.errors import GovernError
from govern.outputs import write_atomic

PRIVATE_KEY_MODE = 0o600

Algorithm = Literal["ecdsa-p256", "ed25519"]
ALGORITHMS: tuple[Algorithm, ...] = get_args(Algorithm)
DEFAULT_ALGORITHM: Algorithm = "ecdsa-p256"
PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey
SUPPORTED = "an ECDSA P-256 or Ed25519 key"


class KeyFileError(GovernError):
    """A key or certificate file cannot be used; the message names the file and the fix."""


def fingerprint(public_key: PublicKey) -> str:
    """`sha256:` and the hex digest of the DER SubjectPublicKeyInfo: the DSSE keyid.

    Hashing the standard encoding (not the raw 32 bytes) lets anyone recompute it with openssl:
    `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum`.
    """
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "sha256:" + hashlib.sha256(der).hexdigest()


def algorithm_name(key: PublicKey) -> str:
    """How the key type is named to people: in `verify` output and the docs."""
    return "Ed25519" if isinstance(key, Ed25519PublicKey) else "ECDSA P-256"


def _ecdsa() -> ec.ECDSA:
    """ECDSA with SHA-256 and RFC 6979 nonces: the same message and key give the same signature,
    so signed reports stay reproducible under SOURCE_DATE_EPOCH as with Ed25519."""
    return ec.ECDSA(hashes.SHA256(), deterministic_signing=True)


def sign_bytes(private: PrivateKey, message: bytes) -> bytes:
    """A raw signature: Ed25519, or ECDSA P-256/SHA-256 DER-encoded (as DSSE tools expect)."""
    if isinstance(private, Ed25519PrivateKey):
        return private.sign(message)
    return private.sign(message, _ecdsa())


def signature_verifies(public: PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        if isinstance(public, Ed25519PublicKey):
            public.verify(signature, message)
        else:
            public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def _supported_private(key: Any) -> TypeGuard[PrivateKey]:
    return isinstance(key, Ed25519PrivateKey) or (
        isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)
    )


def supported_public(key: Any) -> TypeGuard[PublicKey]:
    """Ed25519 or ECDSA on P-256: the keys govern signs with (other curves are refused)."""
    return isinstance(key, Ed25519PublicKey) or (
        isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)
    )


@dataclass(frozen=True)
class SigningKey:
    """A private key ready to sign, with the certificate that PAdES needs when one was given."""

    private: PrivateKey
    certificate: x509.Certificate | None = None

    @property
    def public(self) -> PublicKey:
        return self.private.public_key()

    @property
    def keyid(self) -> str:
        return fingerprint(self.public)

    @property
    def certificate_subject(self) -> str | None:
        """The certificate's subject as an RFC 4514 string, shown on the report's cover."""
        if self.certificate is None:
            return None
        return self.certificate.subject.rfc4514_string() or None


@dataclass(frozen=True)
class GeneratedKeys:
    private_key: Path
    public_key: Path
    certificate: Path | None
    keyid: str
    removed_certificate: Path | None = None


def key_paths(prefix: Path) -> tuple[Path, Path, Path]:
    """Where `govern keys generate --out PREFIX` writes: PREFIX.key, PREFIX.pub and PREFIX.crt."""
    return (
        prefix.with_name(prefix.name + ".key"),
        prefix.with_name(prefix.name + ".pub"),
        prefix.with_name(prefix.name + ".crt"),
    )


def generate_keys(
    prefix: Path,
    passphrase: bytes | None = None,
    certificate_subject: str | None = None,
    days: int = 730,
    now: dt.datetime | None = None,
    overwrite: bool = False,
    algorithm: Algorithm = DEFAULT_ALGORITHM,
) -> GeneratedKeys:
    """Write a new key pair (and a self-signed certificate when a subject is given).

    The private key is written with mode 0600 before anything else so that a failure never
    leaves a readable private key behind; existing files are kept unless `overwrite`. An old
    PREFIX.crt that an overwrite without a new certificate would leave behind certifies a key
    that no longer exists, and `govern report` would pick it up: it is removed.
    """
    key_file, pub_file, cert_file = key_paths(prefix)
    targets = [key_file, pub_file, cert_file]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not overwrite:
        raise KeyFileError(
            f"{', '.join(existing)}: already exists; choose another --out or pass --force"
        )
    private: PrivateKey = (
        Ed25519PrivateKey.generate()
        if algorithm == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    write_atomic(key_file, pem, mode=PRIVATE_KEY_MODE)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    write_atomic(pub_file, public_pem)
    written_cert, removed = None, None
    if certificate_subject:
        cert = self_signed_certificate(private, certificate_subject, days, now)
        write_atomic(cert_file, cert.public_bytes(serialization.Encoding.PEM))
        written_cert = cert_file
    elif cert_file.exists():
        cert_file.unlink()
        removed = cert_file
    keyid = fingerprint(private.public_key())
    return GeneratedKeys(key_file, pub_file, written_cert, keyid, removed)


def self_signed_certificate(
    private: PrivateKey, subject: str, days: int = 730, now: dt.datetime | None = None
) -> x509.Certificate:
    """A certificate for PAdES: PDF readers want one, and a self-signed one is honest about trust.

    Trust still comes from the public key the recipient holds (`govern verify --key`), not from
    a certificate authority.
    """
    start = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - dt.timedelta(minutes=5))
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(private.public_key()), critical=False
        )
    )
    digest = None if isinstance(private, Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(private, digest)


def read_key_file(path: Path, what: str) -> bytes:
    """The bytes of a key, certificate or envelope file, or an error that names it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise KeyFileError(f"{path}: is a directory, expected a {what} (PEM)") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read {what}: {exc.strerror}") from None


def private_key_is_encrypted(path: Path) -> bool:
    """Whether loading needs a passphrase, so the CLI asks for one only when it must."""
    return b"ENCRYPTED" in read_key_file(path, "private key").split(b"\n", 1)[0]


def load_private_key(path: Path, passphrase: bytes | None = None) -> PrivateKey:
    data = read_key_file(path, "private key")
    try:
        key = serialization.load_pem_private_key(data, password=passphrase or None)
    except TypeError:
        if passphrase:
            raise KeyFileError(f"{path}: the key is not encrypted; drop the passphrase") from None
        raise KeyFileError(
            f"{path}: the key is encrypted; set GOVERN_KEY_PASSPHRASE or enter the passphrase"
        ) from None
    except ValueError:
        if passphrase and b"ENCRYPTED" in data:
            raise KeyFileError(f"{path}: wrong passphrase for this key") from None
        raise KeyFileError(
            f"{path}: not a PEM private key (create one with `govern keys generate`)"
        ) from None
    if not _supported_private(key):
        raise KeyFileError(f"{path}: not {SUPPORTED}; govern signs with those only")
    return key


def load_public_key(path: Path) -> PublicKey:
    """A trusted public key from a PEM public key or from a certificate that carries one."""
    data = read_key_file(path, "public key")
    key: Any
    if b"-----BEGIN CERTIFICATE-----" in data:
        key = load_certificate(path).public_key()
    else:
        if b"PRIVATE KEY-----" in data:
            raise KeyFileError(f"{path}: this is a private key; verify with the .pub file")
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError:
            raise KeyFileError(
                f"{path}: not a PEM public key (the .pub file from `govern keys generate`)"
            ) from None
    if not supported_public(key):
        raise KeyFileError(f"{path}: not {SUPPORTED} (public)")
    return key


def load_certificate(path: Path) -> x509.Certificate:
    data = read_key_file(path, "certificate")
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        raise KeyFileError(f"{path}: not a PEM certificate (see `govern keys generate`)") from None


def certificate_beside(key_path: Path) -> Path | None:
    """The certificate `govern keys generate` wrote next to KEY: PREFIX.key -> PREFIX.crt."""
    candidate = key_path.with_suffix(".crt")
    return candidate if candidate != key_path and candidate.is_file() else None


def load_signing_key(
    key_path: Path,
    passphrase: bytes | None = None,
    cert_path: Path | None = None,
    now: dt.datetime | None = None,
) -> SigningKey:
    """The private key and, for PAdES, a certificate that must certify that very key.

    The certificate must also be valid at `now` (default: the current time): a PDF signed
    under an expired certificate shows as invalid in every reader.
    """
    private = load_private_key(key_path, passphrase)
    certificate = None
    if cert_path is not None:
        certificate = load_certificate(cert_path)
        cert_key = certificate.public_key()
        if not supported_public(cert_key) or fingerprint(cert_key) != fingerprint(
            private.public_key()
        ):
            raise KeyFileError(f"{cert_path}: the certificate is not for the key in {key_path}")
        moment = now or dt.datetime.now(dt.UTC)
        start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
        if not start <= moment <= end:
            state = "expired on" if moment > end else "is not valid before"
            when = (end if moment > end else start).date().isoformat()
            raise KeyFileError(
                f"{cert_path}: the certificate {state} {when}; make a new one with "
                "`govern keys generate`"
            )
    return SigningKey(private, certificate)
