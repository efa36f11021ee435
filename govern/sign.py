"""Ed25519 keys, in-toto statements in DSSE envelopes, and checking a signed report against them.

A signed report is a set of files (PDF, HTML, assessment JSON) plus one envelope beside them. The
envelope's payload is an in-toto Statement v1 naming each file with its sha256; its predicate
summarises the assessment and carries the evidence and policy digests, so that a recipient can
check, offline and with only the signer's public key, that nothing was changed.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID
from pydantic import ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from govern.assessment import Assessment
from govern.atomic import write_atomic
from govern.errors import GovernError, UsageError
from govern.evidence.base import Record

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
PREDICATE_TYPE = "https://govern.dev/attestations/compliance-report/v1"
ENVELOPE_SUFFIX = ".intoto.jsonl"
ATTACHMENT_NAME = "assessment.json"
PRIVATE_KEY_MODE = 0o600


class KeyFileError(GovernError):
    """A key or certificate file cannot be used; the message names the file and the fix."""


class SignatureFormatError(GovernError):
    """An envelope or statement is not what govern writes (exit 1: the report does not verify)."""

    exit_code = 1


# --- keys ---------------------------------------------------------------------------------------


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """`sha256:` and the hex digest of the DER SubjectPublicKeyInfo: the DSSE keyid.

    Hashing the standard encoding (not the raw 32 bytes) lets anyone recompute it with openssl:
    `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum`.
    """
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "sha256:" + hashlib.sha256(der).hexdigest()


@dataclass(frozen=True)
class SigningKey:
    """A private key ready to sign, with the certificate that PAdES needs when one was given."""

    private: Ed25519PrivateKey
    certificate: x509.Certificate | None = None

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def keyid(self) -> str:
        return fingerprint(self.public)


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
) -> GeneratedKeys:
    """Write a new Ed25519 key pair (and a self-signed certificate when a subject is given).

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
    private = Ed25519PrivateKey.generate()
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
    private: Ed25519PrivateKey, subject: str, days: int = 730, now: dt.datetime | None = None
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
    return builder.sign(private, None)


def _read(path: Path, what: str) -> bytes:
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
    return b"ENCRYPTED" in _read(path, "private key").split(b"\n", 1)[0]


def load_private_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    data = _read(path, "private key")
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
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key; govern signs with Ed25519 only")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A trusted public key from a PEM public key or from a certificate that carries one."""
    data = _read(path, "public key")
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
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an Ed25519 public key")
    return key


def load_certificate(path: Path) -> x509.Certificate:
    data = _read(path, "certificate")
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        raise KeyFileError(
            f"{path}: not a PEM certificate (see `govern keys generate --x509`)"
        ) from None


def certificate_beside(key_path: Path) -> Path | None:
    """The certificate `govern keys generate --x509` wrote next to KEY: PREFIX.key -> PREFIX.crt."""
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
        if not isinstance(cert_key, Ed25519PublicKey) or fingerprint(cert_key) != fingerprint(
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
                "`govern keys generate --x509`"
            )
    return SigningKey(private, certificate)


# --- DSSE ---------------------------------------------------------------------------------------


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: what is signed, binding the type to the body."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


class EnvelopeSignature(Record):
    keyid: str
    sig: str


class Envelope(Record):
    """A DSSE envelope as in the spec: base64 payload, its type, and signatures over PAE."""

    payload: str
    payload_type: str = Field(alias="payloadType")
    signatures: list[EnvelopeSignature]

    def payload_bytes(self) -> bytes:
        return _strict_b64(self.payload, "payload")

    def to_json(self) -> str:
        data = self.model_dump(mode="json", by_alias=True)
        return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def sign_envelope(payload: bytes, key: SigningKey, payload_type: str = PAYLOAD_TYPE) -> Envelope:
    signature = key.private.sign(pae(payload_type, payload))
    return Envelope(
        payload=base64.b64encode(payload).decode("ascii"),
        payload_type=payload_type,
        signatures=[
            EnvelopeSignature(keyid=key.keyid, sig=base64.b64encode(signature).decode("ascii"))
        ],
    )


def _strict_b64(text: str, what: str) -> bytes:
    """Decode base64 that must be canonical: unused padding bits could hide an altered byte."""
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise SignatureFormatError(f"the envelope {what} is not valid base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise SignatureFormatError(f"the envelope {what} is not canonical base64")
    return data


def envelope_signed_by(envelope: Envelope, public_key: Ed25519PublicKey) -> bool:
    """True when a signature under the key's own keyid verifies with `public_key`.

    The keyid is outside what DSSE signs, so it must name this very key: otherwise a changed
    keyid would leave the envelope verifying although a byte of it was altered.
    """
    return signature_problem(envelope, public_key) is None


def signature_problem(envelope: Envelope, public_key: Ed25519PublicKey) -> str | None:
    """None when the envelope is signed by `public_key`; otherwise what is wrong, in plain words.

    A signature under the trusted key's id that does not verify means the envelope changed after
    signing; so does one that verifies under another key id (the id was edited). Only a
    signature that neither names nor verifies with the trusted key was made by another key.
    """
    message = pae(envelope.payload_type, envelope.payload_bytes())
    keyid = fingerprint(public_key)
    ours = [s for s in envelope.signatures if s.keyid == keyid]
    if any(_verifies(public_key, s.sig, message) for s in ours):
        return None
    if ours:
        return (
            f"the envelope was altered after signing: the signature by the trusted key {keyid} "
            "does not match its content"
        )
    if any(_verifies(public_key, s.sig, message) for s in envelope.signatures):
        return (
            f"the envelope was altered after signing: the signature is by the trusted key {keyid} "
            "but its key id was changed"
        )
    if not envelope.signatures:
        return "the envelope has no signature"
    others = ", ".join(dict.fromkeys(s.keyid for s in envelope.signatures))
    return f"signed by another key {others}, not by the trusted key {keyid}"


def _verifies(public_key: Ed25519PublicKey, sig: str, message: bytes) -> bool:
    try:
        public_key.verify(_strict_b64(sig, "signature"), message)
    except (InvalidSignature, SignatureFormatError):
        return False
    return True


def parse_envelope(text: str, source: str) -> Envelope:
    """One envelope as one JSON line; nothing else in the file, so no byte of it goes unchecked."""
    body = text[:-1] if text.endswith("\n") else text
    if "\n" in body:
        raise SignatureFormatError(f"{source}: expected one DSSE envelope on one line")
    try:
        return Envelope.model_validate_json(body)
    except ValidationError as exc:
        raise SignatureFormatError(
            f"{source}: not a DSSE envelope ({exc.errors()[0]['msg']})"
        ) from None


# --- in-toto statement --------------------------------------------------------------------------


class Subject(Record):
    """A file the statement is about: its name relative to the envelope, and its digests."""

    name: str
    digest: dict[str, str]

    @classmethod
    def for_file(cls, name: str, data: bytes) -> Subject:
        return cls(name=name, digest={"sha256": hashlib.sha256(data).hexdigest()})


class Statement(Record):
    type: Literal["https://in-toto.io/Statement/v1"] = Field(
        "https://in-toto.io/Statement/v1", alias="_type"
    )
    subject: list[Subject] = Field(min_length=1)
    predicate_type: str = Field(alias="predicateType")
    predicate: dict[str, Any]

    def to_payload(self) -> bytes:
        data = self.model_dump(mode="json", by_alias=True)
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class StatementBuilder:
    """Assembles a Statement from typed parts; signing code never writes statement JSON by hand."""

    def __init__(self) -> None:
        self._subjects: list[Subject] = []
        self._predicate_type: str | None = None
        self._predicate: dict[str, Any] | None = None

    def subject(self, subject: Subject) -> StatementBuilder:
        if any(s.name == subject.name for s in self._subjects):
            raise ValueError(f"subject {subject.name!r} given twice")
        self._subjects.append(subject)
        return self

    def subjects(self, subjects: Iterable[Subject]) -> StatementBuilder:
        for subject in subjects:
            self.subject(subject)
        return self

    def predicate(self, predicate_type: str, predicate: Record) -> StatementBuilder:
        self._predicate_type = predicate_type
        self._predicate = predicate.model_dump(mode="json", by_alias=True)
        return self

    def build(self) -> Statement:
        if not self._subjects or self._predicate_type is None or self._predicate is None:
            raise ValueError("a statement needs at least one subject and a predicate")
        return Statement(
            subject=self._subjects, predicate_type=self._predicate_type, predicate=self._predicate
        )


class _Camel(Record):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, alias_generator=to_camel
    )


class DigestedFile(_Camel):
    path: str
    sha256: str
    kind: str | None = None
    bytes: int | None = None


class PolicyDigest(_Camel):
    id: str
    version: str
    framework: str | None
    files: list[DigestedFile]


class SystemRef(_Camel):
    id: str
    name: str
    version: str


class FrameworkResult(_Camel):
    framework: str
    title: str
    rules: int
    counts: dict[str, int]


class AssessmentRef(_Camel):
    format: str
    sha256: str
    attachment: str


class SignerRef(_Camel):
    keyid: str
    certificate_sha256: str | None = None


class ReportPredicate(_Camel):
    """What the signer asserts about the report files; lowerCamelCase as in-toto recommends."""

    system: SystemRef
    as_of: dt.date
    verdict: Literal["pass", "fail"]
    counts: dict[str, int]
    gating: list[str]
    frameworks: list[FrameworkResult]
    risk_tier: str
    assessment: AssessmentRef
    manifest: DigestedFile
    evidence: list[DigestedFile]
    policies: list[PolicyDigest]
    tool: dict[str, str]
    signer: SignerRef
    signed_at: dt.datetime


def report_predicate(
    assessment: Assessment, assessment_json: bytes, key: SigningKey, signed_at: dt.datetime
) -> ReportPredicate:
    summary = assessment.summary
    cert_digest = None
    if key.certificate is not None:
        cert_der = key.certificate.public_bytes(serialization.Encoding.DER)
        cert_digest = hashlib.sha256(cert_der).hexdigest()
    return ReportPredicate(
        system=SystemRef(
            id=assessment.system.id, name=assessment.system.name, version=assessment.system.version
        ),
        as_of=assessment.options.as_of,
        verdict=summary.verdict,
        counts=summary.counts,
        gating=summary.gating,
        frameworks=[
            FrameworkResult(framework=f.framework, title=f.title, rules=f.rules, counts=f.counts)
            for f in summary.frameworks
        ],
        risk_tier=assessment.classification.tier,
        assessment=AssessmentRef(
            format=assessment.format,
            sha256=hashlib.sha256(assessment_json).hexdigest(),
            attachment=ATTACHMENT_NAME,
        ),
        manifest=DigestedFile(
            path=assessment.manifest.path,
            sha256=assessment.manifest.sha256,
            kind="manifest",
            bytes=assessment.manifest.bytes,
        ),
        evidence=[
            DigestedFile(path=e.path, sha256=e.sha256, kind=e.kind, bytes=e.bytes)
            for e in assessment.evidence
        ],
        policies=[
            PolicyDigest(
                id=p.id,
                version=p.version,
                framework=p.framework,
                files=[DigestedFile(path=f.path, sha256=f.sha256) for f in p.files],
            )
            for p in assessment.packs
        ],
        tool={"name": assessment.tool.name, "version": assessment.tool.version},
        signer=SignerRef(keyid=key.keyid, certificate_sha256=cert_digest),
        signed_at=signed_at,
    )


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


# --- verification -------------------------------------------------------------------------------

CheckState = Literal["ok", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    """One thing verify looked at: a file digest, a signature, an evidence file."""

    what: str
    state: CheckState
    detail: str = ""


@dataclass
class Verification:
    """Everything `govern verify` found; valid only when it is signed and no check failed."""

    envelope: Path | None
    signed: bool = False
    checks: list[Check] = field(default_factory=list)
    predicate: ReportPredicate | None = None
    keyid: str | None = None

    @property
    def valid(self) -> bool:
        return self.signed and all(c.state != "fail" for c in self.checks)

    def add(self, what: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(what, "ok" if ok else "fail", detail))
        return ok


def find_envelope(report: Path) -> Path | None:
    """The envelope for REPORT: REPORT itself when it is one, else the one beside it, if any.

    Beside it means REPORT.intoto.jsonl (report.pdf -> report.intoto.jsonl), where `govern
    report` writes it for its first file. A report's other files (report.html, a JSON under
    another name) share that envelope: when there is no envelope named after REPORT, the one
    envelope in its folder whose statement names it is taken. Which file is taken does not
    matter to trust: the envelope is verified in full afterwards.
    """
    if report.name.endswith(ENVELOPE_SUFFIX):
        return report
    candidate = envelope_path(report)
    if candidate.is_file():
        return candidate
    naming = [
        path
        for path in sorted(report.parent.glob("*" + ENVELOPE_SUFFIX))
        if subject_name(report, path) in _subject_names(path)
    ]
    return naming[0] if len(naming) == 1 else None


def _subject_names(envelope_file: Path) -> set[str]:
    """The subject names an envelope claims, unverified: only to find a report's envelope."""
    try:
        envelope = parse_envelope(envelope_file.read_text(encoding="utf-8"), envelope_file.name)
        statement = Statement.model_validate_json(envelope.payload_bytes())
    except (OSError, UnicodeDecodeError, SignatureFormatError, ValidationError):
        return set()
    return {s.name for s in statement.subject}


def verify_report(
    report: Path, trusted: Ed25519PublicKey, evidence_dir: Path | None = None
) -> Verification:
    """Check the envelope signature, the subjects' digests, PDFs, and optionally the evidence.

    The file named (REPORT) must be one of the statement's subjects and match it. The other
    subjects are checked when they are present: an auditor is often sent just the PDF and its
    envelope, so an absent one is a note, while one that is present and differs fails. When
    REPORT is the envelope itself, at least one subject must be present.

    Raises UsageError when REPORT does not exist, and SignatureFormatError (exit 1) when the
    envelope is not a DSSE envelope of an in-toto statement: such a report does not verify.
    """
    if not report.is_file():
        raise UsageError(f"{report}: no such file")
    envelope_file = find_envelope(report)
    result = Verification(envelope_file)
    if envelope_file is None:
        return result
    text = _read(envelope_file, "signature envelope").decode("utf-8", errors="replace")
    result.signed = True
    result.keyid = fingerprint(trusted)
    envelope = parse_envelope(text, envelope_file.name)
    problem = signature_problem(envelope, trusted)
    if problem is not None:
        result.add("envelope signature", False, problem)
        return result
    statement = _statement(envelope, envelope_file.name)
    result.add("envelope signature", True, f"Ed25519, key {result.keyid}")
    predicate = ReportPredicate.model_validate(statement.predicate)
    result.predicate = predicate
    base = envelope_file.parent
    named = None if report == envelope_file else subject_name(report, envelope_file)
    if named is not None:
        covered = named in {s.name for s in statement.subject}
        result.add(
            "report named in the statement",
            covered,
            "" if covered else f"{report.name} is not one of the signed files",
        )
    present = [
        _check_subject(result, base, subject, predicate, required=subject.name == named)
        for subject in statement.subject
    ]
    if named is None and not any(present):
        result.add("signed files", False, f"none of the files the envelope signs is in {base}/")
    if evidence_dir is not None:
        _check_evidence(result, evidence_dir, predicate)
    return result


def _statement(envelope: Envelope, source: str) -> Statement:
    if envelope.payload_type != PAYLOAD_TYPE:
        raise SignatureFormatError(
            f"{source}: payload type {envelope.payload_type!r} is not in-toto"
        )
    try:
        statement = Statement.model_validate_json(envelope.payload_bytes())
    except ValidationError as exc:
        raise SignatureFormatError(
            f"{source}: the payload is not an in-toto Statement v1 ({exc.errors()[0]['msg']})"
        ) from None
    if statement.predicate_type != PREDICATE_TYPE:
        raise SignatureFormatError(
            f"{source}: predicate type {statement.predicate_type!r} is not a govern report"
        )
    try:
        ReportPredicate.model_validate(statement.predicate)
    except ValidationError as exc:
        raise SignatureFormatError(
            f"{source}: the predicate is not a govern report summary ({exc.errors()[0]['msg']})"
        ) from None
    return statement


def _check_subject(
    result: Verification,
    base: Path,
    subject: Subject,
    predicate: ReportPredicate,
    required: bool = False,
) -> bool:
    """Check one signed file; False when it is not there (a failure only when `required`)."""
    path = base / subject.name
    expected = subject.digest.get("sha256")
    if expected is None:
        result.add(subject.name, False, "no sha256 digest in the statement")
        return True
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        where = f"{path.parent.as_posix()}/"
        if required:
            result.add(subject.name, False, f"missing (expected in {where})")
        else:
            result.checks.append(
                Check(subject.name, "skip", f"not present in {where}, not checked")
            )
        return False
    except OSError as exc:
        result.add(subject.name, False, f"cannot read {path}: {exc.strerror}")
        return True
    actual = hashlib.sha256(data).hexdigest()
    intact = result.add(
        subject.name,
        actual == expected,
        f"sha256 {actual}"
        if actual == expected
        else f"sha256 is {actual}, the signature says {expected}",
    )
    if data.startswith(b"%PDF-"):
        # Even a PDF whose digest fails is opened: its PAdES check says whether the signed
        # bytes or only what came after them changed.
        _check_pdf(result, subject.name, data, predicate)
    if intact and subject.name.endswith(".json"):
        result.add(
            f"{subject.name} is the signed assessment",
            actual == predicate.assessment.sha256,
            ""
            if actual == predicate.assessment.sha256
            else "it is not the assessment named in the predicate",
        )
    return True


def _check_pdf(result: Verification, name: str, data: bytes, predicate: ReportPredicate) -> None:
    from govern import pades  # pyHanko only when a PDF is being checked

    try:
        inventory = pades.inspect(data)
    except pades.PdfReadError as exc:
        result.add(f"{name} structure", False, str(exc))
        return
    attached = inventory.attachments.get(predicate.assessment.attachment)
    digest = hashlib.sha256(attached).hexdigest() if attached is not None else None
    result.add(
        f"{name} attached {predicate.assessment.attachment}",
        digest == predicate.assessment.sha256,
        "matches the signed assessment"
        if digest == predicate.assessment.sha256
        else ("missing" if digest is None else f"sha256 {digest} differs from the signed one"),
    )
    if not inventory.signatures:
        result.checks.append(Check(f"{name} PAdES signature", "skip", "none (envelope only)"))
    for signature in inventory.signatures:
        ok = signature.intact and signature.keyid == predicate.signer.keyid
        detail = signature.describe()
        if signature.intact and signature.keyid != predicate.signer.keyid:
            detail = f"made with another key ({signature.keyid})"
        result.add(f"{name} PAdES signature", ok, detail)


def _check_evidence(result: Verification, root: Path, predicate: ReportPredicate) -> None:
    from govern.containment import PathRefused, contained

    for item in [predicate.manifest, *predicate.evidence]:
        # The same containment as `check`: a report naming `../x` or a FIFO reads nothing.
        try:
            path = contained(root, item.path, noun="file")
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except PathRefused as exc:
            missing = "does not exist" in exc.message
            result.add(
                f"evidence {item.path}", False, f"missing in {root}" if missing else exc.message
            )
            continue
        except OSError:
            result.add(f"evidence {item.path}", False, f"missing in {root}")
            continue
        result.add(
            f"evidence {item.path}",
            actual == item.sha256,
            f"sha256 {actual}"
            if actual == item.sha256
            else f"changed since the report (sha256 {actual}, report says {item.sha256})",
        )
    for pack in predicate.policies:
        _check_pack(result, root, pack)


def _check_pack(result: Verification, root: Path, pack: PolicyDigest) -> None:
    """Re-hash a policy pack's files: a changed pack changes the verdict as evidence would.

    A pack inside the system folder must be there unchanged, with no rule file added (the
    loader reads every YAML file in it). A pack outside it (`../packs/acme`, an absolute path)
    is compared when it is present. A built-in pack is compared with this govern's copy when
    that has the same version. Otherwise a note says that the pack was not re-checked.
    """
    from govern.policy.loader import BUILTIN_PREFIX, builtin_root

    folder_name = _pack_folder(pack)
    if folder_name is None:
        result.checks.append(Check(f"policy {pack.id}", "skip", "no pack.yaml recorded"))
        return
    if folder_name.startswith(BUILTIN_PREFIX):
        folder = builtin_root() / folder_name.removeprefix(BUILTIN_PREFIX)
        _check_builtin_pack(result, pack, folder_name, folder)
        return
    folder = root / folder_name
    if _outside(folder_name) and not folder.is_dir():
        result.checks.append(
            Check(
                f"policy {folder_name} {pack.version}",
                "skip",
                "outside the system folder and not present, not re-checked",
            )
        )
        return
    digests = _pack_digests(folder, folder_name)
    result.checks.extend(_compare_pack(pack, digests, _folder_words(root)))


def _outside(folder_name: str) -> bool:
    """Whether a pack named by this path (relative to govern.yaml) lies outside its folder."""
    if PurePosixPath(folder_name).is_absolute() or Path(folder_name).is_absolute():
        return True
    return posixpath.normpath(folder_name).split("/")[0] == ".."


def _check_builtin_pack(result: Verification, pack: PolicyDigest, name: str, folder: Path) -> None:
    what = f"policy {name} {pack.version}"
    installed = _pack_version(folder)
    if installed is None:
        result.checks.append(
            Check(what, "skip", "not a built-in pack of this govern, not re-checked")
        )
        return
    if installed != pack.version:
        result.checks.append(
            Check(what, "skip", f"this govern has version {installed}, not re-checked")
        )
        return
    checks = _compare_pack(pack, _pack_digests(folder, name), _BUILTIN_WORDS)
    failed = [c for c in checks if c.state == "fail"]
    if failed:
        result.checks.extend(failed)
    else:
        result.add(what, True, f"{len(checks)} files match this govern's built-in pack")


def _pack_folder(pack: PolicyDigest) -> str | None:
    """The folder the pack's files are named under (`builtin:NAME` or a path), from pack.yaml."""
    from govern.policy.loader import PACK_FILE

    for item in pack.files:
        folder, _, name = item.path.rpartition("/")
        if name == PACK_FILE and folder:
            return folder
    return None


def _pack_version(folder: Path) -> str | None:
    from govern.documents import load_document
    from govern.errors import InputError
    from govern.policy.loader import PACK_FILE
    from govern.policy.model import PackInfo
    from govern.validation import load_validate

    if not (folder / PACK_FILE).is_file():
        return None
    try:
        return load_validate(PackInfo, load_document(folder / PACK_FILE, PACK_FILE)).version
    except InputError:
        return None


def _pack_digests(folder: Path, display: str) -> dict[str, str]:
    """The sha256 of every file the loader reads in a pack folder, by the name the report uses.

    These are the files `govern.policy.loader.load_pack` reads: pack.yaml and its rule files.
    """
    from govern.containment import file_kind
    from govern.policy.loader import PACK_FILE, rule_files

    if not folder.is_dir():
        return {}
    digests = {}
    for path in [folder / PACK_FILE, *rule_files(folder)]:
        if file_kind(path) != "file":
            continue  # never open a FIFO or device: it would block or never end
        try:
            digests[f"{display}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
    return digests


@dataclass(frozen=True)
class _PackWords:
    """How a pack file that differs is described: against the system folder or a built-in pack."""

    missing: str
    changed: str
    added: str


def _folder_words(root: Path) -> _PackWords:
    return _PackWords(
        missing=f"missing in {root}",
        changed="changed since the report",
        added="added since the report (govern loads every YAML file in a pack's folder)",
    )


_BUILTIN_WORDS = _PackWords(
    missing="not in this govern's built-in pack of the same version",
    changed="differs from this govern's built-in pack of the same version",
    added="in this govern's built-in pack of the same version, not in the report",
)


def _compare_pack(pack: PolicyDigest, actual: dict[str, str], words: _PackWords) -> list[Check]:
    """One check per pack file the report records, and a failure for each file it does not."""
    checks = []
    for item in pack.files:
        digest = actual.get(item.path)
        what = f"policy {item.path}"
        if digest is None:
            checks.append(Check(what, "fail", words.missing))
        elif digest == item.sha256:
            checks.append(Check(what, "ok", f"sha256 {digest}"))
        else:
            detail = f"{words.changed} (sha256 {digest}, report says {item.sha256})"
            checks.append(Check(what, "fail", detail))
    recorded = {item.path for item in pack.files}
    for name in sorted(actual.keys() - recorded):
        checks.append(Check(f"policy {name}", "fail", words.added))
    return checks
