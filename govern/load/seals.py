"""Signed attestations: the DSSE envelopes beside the attestations file, checked against the
manifest's listed attesters.

This module lives on the evidence side of the walls (the engine reads its results, and must never
import govern.sign): it only *checks* Ed25519 or ECDSA P-256 signatures over the DSSE
pre-authentication encoding, with keys named in govern.yaml. Signing is govern.sign.attest.

Each attestation entry gets a seal:
- `signed`: an envelope whose statement carries exactly this entry's text (its canonical sha256),
  signed by the key of a listed attester whose name is the entry's `attested_by.name`;
- `recorded`: no envelope names this entry: a plain YAML entry that anyone could have typed;
- `invalid`: an envelope for this control that does not verify, is signed by an unlisted key or
  by another person's key, or signs a text that differs from the entry (altered after signing).
Certificate validity is kept as dates, so the engine judges expiry at the assessment date.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from govern.errors import InputError, Problem
from govern.load.containment import PathRefused, contained, read_regular

if TYPE_CHECKING:
    from govern.evidence.attestation import Attestation
    from govern.load.documents import SourceDocument
    from govern.load.manifest import Attester

ATTESTATION_PREDICATE_TYPE = "https://govern.dev/attestations/control-attestation/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
SIGNATURES_SUFFIX = ".intoto.jsonl"
# A signatures file holds one short line per signed attestation; anything this large is not one.
MAX_SIGNATURES_BYTES = 8 * 1024 * 1024
MAX_KEY_BYTES = 64 * 1024

Assurance = Literal["signed", "recorded", "invalid"]


@dataclass(frozen=True)
class Seal:
    """How far one attestation entry can be trusted, and by whose key."""

    level: Assurance
    attester: str | None = None
    keyid: str | None = None
    problem: str | None = None
    # The validity window of the attester's certificate, when a certificate was listed.
    not_before: dt.date | None = None
    not_after: dt.date | None = None


RECORDED = Seal("recorded")


def signatures_path(attestations_file: Path) -> Path:
    """governance/attestations.yaml -> governance/attestations.intoto.jsonl, beside it."""
    return attestations_file.with_name(attestations_file.stem + SIGNATURES_SUFFIX)


def attestation_digest(attestation: Attestation) -> str:
    """The sha256 of the entry's canonical JSON: independent of YAML layout, changed by any edit
    of its control, statement, person, dates or evidence note."""
    return hashlib.sha256(canonical(attestation.model_dump(mode="json"))).hexdigest()


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding (the same bytes govern.sign.dsse signs)."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def key_fingerprint(public_key: Any) -> str:
    """`sha256:` + hex digest of the DER SubjectPublicKeyInfo: the DSSE keyid govern writes."""
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "sha256:" + hashlib.sha256(der).hexdigest()


@dataclass(frozen=True)
class TrustedKey:
    name: str
    role: str | None
    keyid: str
    key: Any  # Ed25519PublicKey | EllipticCurvePublicKey
    not_before: dt.date | None = None
    not_after: dt.date | None = None


def load_attester_keys(
    attesters: list[Attester], manifest: SourceDocument, root: Path, boundary: Path | None
) -> list[TrustedKey]:
    """Every listed attester's public key; a key that cannot be read is an input error (exit 2)."""
    problems: list[Problem] = []
    keys: list[TrustedKey] = []
    for index, attester in enumerate(attesters):
        field = "certificate" if attester.certificate else "public_key"
        rel = attester.certificate or attester.public_key or ""
        where = ("attesters", index, field)
        try:
            path = contained(root, rel, boundary, noun="attester key")
            data = read_regular(path, MAX_KEY_BYTES)
            keys.append(_trusted(attester, data, field == "certificate"))
        except PathRefused as exc:
            problems.append(manifest.problem(where, exc.message))
        except (OSError, ValueError) as exc:
            problems.append(manifest.problem(where, f"{rel}: {exc}"))
    if problems:
        raise InputError(problems)
    return keys


def _trusted(attester: Attester, data: bytes, is_certificate: bool) -> TrustedKey:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    not_before = not_after = None
    try:
        if is_certificate:
            cert = x509.load_pem_x509_certificate(data)
            key: Any = cert.public_key()
            not_before = cert.not_valid_before_utc.date()
            not_after = cert.not_valid_after_utc.date()
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        what = "a PEM certificate" if is_certificate else "a PEM public key"
        raise ValueError(f"not {what}") from None
    p256 = isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)
    if not (isinstance(key, Ed25519PublicKey) or p256):
        raise ValueError("only Ed25519 and ECDSA P-256 keys can sign attestations")
    return TrustedKey(
        attester.name, attester.role, key_fingerprint(key), key, not_before, not_after
    )


def _verifies(key: Any, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class _Signed:
    """One envelope line, read: which control it is for, what text it signs, and its verdict."""

    line: int
    control: str
    name: str
    digest: str
    key: TrustedKey | None
    problem: str | None


def read_seals(
    attestations: list[Attestation],
    root: Path,
    attestations_rel: str,
    boundary: Path | None,
    keys: list[TrustedKey],
    warnings: list[str],
) -> tuple[tuple[Seal, ...], SourceDocument | None]:
    """One seal per attestation entry, from the envelopes beside the attestations file, and
    that file as a document, so that it is hashed into the evidence inventory like the rest.

    A line that is not an envelope govern could have written cannot be tied to an entry, so it
    is an input error naming the file and line (exit 2) rather than silently ignored.
    """
    rel = signatures_path(Path(attestations_rel)).as_posix()
    lexical = root / rel
    if not (lexical.exists() or lexical.is_symlink()):
        return tuple(RECORDED for _ in attestations), None
    shown = rel
    try:
        path = contained(root, rel, boundary, noun="signatures file")
        data = read_regular(path, MAX_SIGNATURES_BYTES)
        if len(data) > MAX_SIGNATURES_BYTES:
            raise PathRefused(f"larger than {MAX_SIGNATURES_BYTES} bytes")
        text = data.decode("utf-8")
    except PathRefused as exc:
        raise InputError([Problem(shown, 0, 0, "", exc.message)]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(shown, 0, 0, "", "not UTF-8 text")]) from None
    signed: list[_Signed] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            signed.append(_read_line(line, number, keys))
        except ValueError as exc:
            problems.append(Problem(shown, number, 1, "", str(exc)))
    if problems:
        raise InputError(problems)
    from govern.load.documents import SourceDocument

    document = SourceDocument(
        path=path,
        display=shown,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=None,
        text=text,
        format="jsonl",
        _yaml_positions={},
    )
    return _assign(attestations, signed, shown, warnings), document


def _read_line(line: str, number: int, keys: list[TrustedKey]) -> _Signed:
    try:
        envelope = json.loads(line)
        payload_type = envelope["payloadType"]
        payload = _strict_b64(envelope["payload"])
        signatures = [(s["keyid"], s["sig"]) for s in envelope["signatures"]]
        statement = json.loads(payload)
        predicate = statement["predicate"]
        attestation = predicate["attestation"]
        control, name = attestation["control"], attestation["attested_by"]["name"]
        subjects = statement["subject"]
        digest = subjects[0]["digest"]["sha256"]
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        detail = f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError) else str(exc)
        raise ValueError(f"not a signed attestation envelope ({detail[:120]})") from None
    if not all(isinstance(x, str) for x in (payload_type, control, name, digest)):
        raise ValueError("not a signed attestation envelope (a field is not text)")
    if statement.get("predicateType") != ATTESTATION_PREDICATE_TYPE:
        raise ValueError(f"the statement's predicateType is not {ATTESTATION_PREDICATE_TYPE}")
    problem = None
    if hashlib.sha256(canonical(attestation)).hexdigest() != digest:
        problem = "the statement's subject digest does not match the attestation it carries"
    message = pae(payload_type, payload)
    key = _signer(keys, signatures, message)
    if key is None:
        problem = _unsigned_reason(keys, signatures)
    elif key.name != name:
        problem = f"signed with the key of {key.name}, but the attestation names {name}"
    elif payload_type != PAYLOAD_TYPE:
        problem = f"payload type {payload_type!r} is not {PAYLOAD_TYPE}"
    return _Signed(number, control, name, digest, key, problem)


def _strict_b64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("the payload is not text")
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("the payload is not valid base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise ValueError("the payload is not canonical base64")
    return data


def _signer(
    keys: list[TrustedKey], signatures: list[tuple[Any, Any]], message: bytes
) -> TrustedKey | None:
    """The listed attester whose key made a signature under its own key id, if any."""
    for keyid, sig in signatures:
        for key in keys:
            if key.keyid != keyid or not isinstance(sig, str):
                continue
            try:
                raw = _strict_b64(sig)
            except ValueError:
                continue
            if _verifies(key.key, raw, message):
                return key
    return None


def _unsigned_reason(keys: list[TrustedKey], signatures: list[tuple[Any, Any]]) -> str:
    if not signatures:
        return "the envelope has no signature"
    listed = {k.keyid: k.name for k in keys}
    mine = [listed[keyid] for keyid, _ in signatures if keyid in listed]
    if mine:
        return (
            f"the signature by {mine[0]}'s key does not match the envelope: altered after signing"
        )
    others = ", ".join(str(keyid) for keyid, _ in signatures)
    return f"signed by key {others}, which is not a listed attester's (govern.yaml attesters:)"


def _assign(
    attestations: list[Attestation], signed: list[_Signed], shown: str, warnings: list[str]
) -> tuple[Seal, ...]:
    """Tie envelopes to entries by control and signed text; an envelope for a control whose
    text no entry carries any more makes that control's unsigned entries invalid (fail closed)."""
    digests = [attestation_digest(a) for a in attestations]
    matched = {s.line for s in signed if s.digest in digests}
    seals: list[Seal] = []
    for attestation, digest in zip(attestations, digests, strict=True):
        exact = [s for s in signed if s.control == attestation.control and s.digest == digest]
        orphans = [s for s in signed if s.control == attestation.control and s.line not in matched]
        bad = next((s for s in exact if s.problem is not None), None)
        if bad is not None:
            seals.append(Seal("invalid", bad.name, None, f"{shown}:{bad.line}: {bad.problem}"))
        elif exact:
            s = exact[0]
            assert s.key is not None
            seals.append(
                Seal("signed", s.key.name, s.key.keyid, None, s.key.not_before, s.key.not_after)
            )
        elif orphans:
            s = next((o for o in orphans if o.name == attestation.attested_by.name), orphans[0])
            seals.append(
                Seal(
                    "invalid",
                    s.name,
                    None,
                    f"{shown}:{s.line}: the attestation text differs from what {s.name} signed: "
                    "altered after signing",
                )
            )
        else:
            seals.append(RECORDED)
    controls = {a.control for a in attestations}
    for s in signed:
        if s.control not in controls:
            warnings.append(
                f"{shown}:{s.line}: a signature for control {s.control!r} by {s.name}, "
                "but no attestation of that control is listed"
            )
    return tuple(seals)
