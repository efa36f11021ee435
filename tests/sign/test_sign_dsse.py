"""DSSE envelopes and in-toto statements, checked against the specifications' own examples."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govern.sign.dsse import (
    PAYLOAD_TYPE,
    Envelope,
    EnvelopeSignature,
    envelope_signed_by,
    pae,
    sign_envelope,
)
from govern.sign.keys import PrivateKey, SigningKey
from govern.sign.statement import STATEMENT_TYPE, StatementBuilder, Subject, SystemRef


def test_pae_matches_the_dsse_specification_example() -> None:
    # https://github.com/secure-systems-lab/dsse/blob/master/protocol.md (test vector)
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def new_key(algorithm: str) -> SigningKey:
    private: PrivateKey = (
        Ed25519PrivateKey.generate()
        if algorithm == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    return SigningKey(private)


@pytest.mark.parametrize("algorithm", ["ecdsa-p256", "ed25519"])
def test_envelope_round_trip_and_other_keys(algorithm: str) -> None:
    key, other = new_key(algorithm), new_key(algorithm)
    envelope = sign_envelope(b'{"hello": "world"}', key)
    data = json.loads(envelope.to_json())
    assert set(data) == {"payload", "payloadType", "signatures"}
    assert data["payloadType"] == PAYLOAD_TYPE
    assert data["signatures"][0]["keyid"] == key.keyid
    assert base64.b64decode(data["payload"]) == b'{"hello": "world"}'
    assert envelope_signed_by(envelope, key.public)
    assert not envelope_signed_by(envelope, other.public)
    # ECDSA signatures repeat (RFC 6979), so signed reports stay reproducible.
    assert sign_envelope(b'{"hello": "world"}', key) == envelope
    changed = envelope.model_copy(update={"payload": base64.b64encode(b"{}").decode()})
    assert not envelope_signed_by(changed, key.public)


@pytest.mark.parametrize("algorithm", ["ecdsa-p256", "ed25519"])
def test_a_changed_keyid_or_payload_type_does_not_verify(algorithm: str) -> None:
    key = new_key(algorithm)
    envelope = sign_envelope(b"{}", key)
    renamed = envelope.model_copy(
        update={
            "signatures": [EnvelopeSignature(keyid="sha256:00", sig=envelope.signatures[0].sig)]
        }
    )
    assert not envelope_signed_by(renamed, key.public)
    retyped = envelope.model_copy(update={"payload_type": "application/json"})
    assert not envelope_signed_by(retyped, key.public)


def test_statement_shape_follows_in_toto_v1() -> None:
    statement = (
        StatementBuilder()
        .subject(Subject.for_file("report.pdf", b"%PDF-1.7"))
        .predicate("https://example.com/p/v1", SystemRef(id="s", name="S", version="1"))
        .build()
    )
    data = json.loads(statement.to_payload())
    assert data["_type"] == STATEMENT_TYPE == "https://in-toto.io/Statement/v1"
    assert data["predicateType"] == "https://example.com/p/v1"
    digest = hashlib.sha256(b"%PDF-1.7").hexdigest()
    assert data["subject"] == [{"name": "report.pdf", "digest": {"sha256": digest}}]
    assert data["predicate"] == {"id": "s", "name": "S", "version": "1"}


def test_statement_builder_refuses_incomplete_or_duplicate_subjects() -> None:
    with pytest.raises(ValueError, match="at least one subject"):
        StatementBuilder().build()
    builder = StatementBuilder().subject(Subject.for_file("a", b""))
    with pytest.raises(ValueError, match="given twice"):
        builder.subject(Subject.for_file("a", b"x"))


def test_envelope_json_has_one_line() -> None:
    envelope = sign_envelope(b"{}", SigningKey(Ed25519PrivateKey.generate()))
    text = envelope.to_json()
    assert text.endswith("\n") and text.count("\n") == 1
    assert Envelope.model_validate_json(text) == envelope
