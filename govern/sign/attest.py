"""Sign one attestation: an in-toto statement about the entry's canonical text, in a DSSE envelope
appended to the signatures file beside the attestations file (read back by govern.load.seals)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from govern.errors import UsageError
from govern.evidence.attestation import Attestation
from govern.evidence.base import Record
from govern.load.seals import (
    ATTESTATION_PREDICATE_TYPE,
    attestation_digest,
    signatures_path,
)
from govern.outputs import write_atomic
from govern.sign.dsse import sign_envelope
from govern.sign.keys import SigningKey
from govern.sign.statement import StatementBuilder, Subject


class AttestationPredicate(Record):
    """What the attester asserts: the entry as written, and who signed it when."""

    attestation: dict[str, Any]
    attester: dict[str, str | None]
    signed_at: dt.datetime


def attestation_envelope_line(
    attestation: Attestation,
    subject_name: str,
    key: SigningKey,
    role: str | None,
    signed_at: dt.datetime,
) -> str:
    """One JSON line: the DSSE envelope over a statement whose subject is the entry's digest."""
    body = attestation.model_dump(mode="json")
    predicate = AttestationPredicate(
        attestation=body,
        attester={"name": attestation.attested_by.name, "role": role, "keyid": key.keyid},
        signed_at=signed_at,
    )
    statement = (
        StatementBuilder()
        .subject(Subject(name=subject_name, digest={"sha256": attestation_digest(attestation)}))
        .predicate(ATTESTATION_PREDICATE_TYPE, predicate)
        .build()
    )
    return sign_envelope(statement.to_payload(), key).to_json()


def choose(attestations: list[Attestation], control: str, name: str) -> int:
    """The index of the one entry of `control` by `name`; a usage error names what is there."""
    found = [i for i, a in enumerate(attestations) if a.control == control]
    if not found:
        raise UsageError(f"no attestation of control {control!r} in the attestations file")
    mine = [i for i in found if attestations[i].attested_by.name == name]
    if not mine:
        names = ", ".join(sorted({attestations[i].attested_by.name for i in found}))
        raise UsageError(
            f"the attestation of control {control!r} is by {names}, not by {name} "
            "(the attester whose key was given)"
        )
    if len(mine) > 1:
        raise UsageError(f"{name} has {len(mine)} attestations of control {control!r}; keep one")
    return mine[0]


def append_signature(attestations_file: Path, line: str, control: str, name: str) -> Path:
    """Write the envelope beside the attestations file, replacing this person's earlier
    signature of the same control, so re-signing after an edit leaves one current signature."""
    target = signatures_path(attestations_file)
    kept: list[str] = []
    if target.is_file():
        for old in target.read_text(encoding="utf-8").splitlines():
            if old.strip() and _signs(old) != (control, name):
                kept.append(old)
    write_atomic(target, "".join(f"{x}\n" for x in kept) + line)
    return target


def _signs(line: str) -> tuple[str, str] | None:
    """(control, name) an existing line signs, or None when it cannot be read."""
    import base64

    try:
        payload = json.loads(base64.b64decode(json.loads(line)["payload"]))
        attestation = payload["predicate"]["attestation"]
        return str(attestation["control"]), str(attestation["attested_by"]["name"])
    except (ValueError, KeyError, TypeError):
        return None
