"""DSSE envelopes: the signed wrapper around an in-toto statement, and checking its signature."""

from __future__ import annotations

import base64
import binascii
import json

from pydantic import Field, ValidationError

from govern.errors import GovernError
from govern.evidence.base import Record
from govern.sign.keys import PublicKey, SigningKey, fingerprint, sign_bytes, signature_verifies

PAYLOAD_TYPE = "application/vnd.in-toto+json"


class SignatureFormatError(GovernError):
    """An envelope or statement is not what govern writes (exit 1: the report does not verify)."""

    exit_code = 1


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
    signature = sign_bytes(key.private, pae(payload_type, payload))
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


def envelope_signed_by(envelope: Envelope, public_key: PublicKey) -> bool:
    """True when a signature under the key's own keyid verifies with `public_key`.

    The keyid is outside what DSSE signs, so it must name this very key: otherwise a changed
    keyid would leave the envelope verifying although a byte of it was altered.
    """
    return signature_problem(envelope, public_key) is None


def signature_problem(envelope: Envelope, public_key: PublicKey) -> str | None:
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


def _verifies(public_key: PublicKey, sig: str, message: bytes) -> bool:
    try:
        raw = _strict_b64(sig, "signature")
    except SignatureFormatError:
        return False
    return signature_verifies(public_key, raw, message)


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
