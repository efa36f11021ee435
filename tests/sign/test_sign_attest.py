"""Signed attestations end to end: `govern keys generate`, `govern attest sign`, `govern check`.

Two attesters sign their own attestations; one byte of one signed text is altered; a third entry
stays a plain recorded one. Check must show one `signed`, one `invalid` (failing closed) and the
`recorded` entry labelled as such, in every output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
import pytest

from tests.conftest import CliResult, edit, write

Run = Callable[..., CliResult]
AS_OF = ("--as-of", "2026-12-06")

MANIFEST = """\
govern: 1
system:
  id: demo
  name: Demo Scorer
  version: 1.0.0
  role: provider
  intended_purpose: Score loan applications for loan officers.
classification:
  annex_iii: "5(b)"
evidence:
  attestations: governance/attestations.yaml
attesters:
  - {name: Ada Lovelace, role: Head of Quality, public_key: keys/ada.pub}
  - {name: Alan Turing, role: CISO, public_key: keys/alan.pub}
policies: [./pack]
"""

ATTESTATIONS = """\
attestations:
  - control: qms
    statement: A documented QMS covers this system.
    attested_by: {name: Ada Lovelace, role: Head of Quality}
    date: 2026-06-01
  - control: security
    statement: The system was penetration tested before release.
    attested_by: {name: Alan Turing, role: CISO}
    date: 2026-06-01
  - control: literacy
    statement: Every operator completed the AI literacy course.
    attested_by: {name: Grace Hopper, role: Head of HR}
    date: 2026-06-01
"""

PACK = """\
id: demo
title: Demo pack
version: 0.0.1
framework: eu-ai-act
"""

RULES = """\
- id: DEMO-QMS
  title: QMS attested and signed
  refs: {eu-ai-act: ["Art.17(1)"]}
  severity: high
  check: {attestation: {control: qms, assurance: signed}}
  remediation: Sign the QMS attestation.
- id: DEMO-SECURITY
  title: Security testing attested
  refs: {eu-ai-act: ["Art.15(1)"]}
  severity: high
  check: {attestation: {control: security}}
  remediation: Attest the security testing.
- id: DEMO-LITERACY
  title: AI literacy attested
  refs: {eu-ai-act: ["Art.4"]}
  severity: high
  check: {attestation: {control: literacy}}
  remediation: Attest AI literacy.
"""


@pytest.fixture
def signed_system(tmp_path: Path, run_cli: Run) -> Path:
    root = tmp_path / "system"
    write(root / "govern.yaml", MANIFEST)
    write(root / "governance" / "attestations.yaml", ATTESTATIONS)
    write(root / "pack" / "pack.yaml", PACK)
    write(root / "pack" / "rules.yaml", RULES)
    for name in ("ada", "alan"):
        assert run_cli("keys", "generate", "--out", root / "keys" / name).code == 0
    signed = run_cli("attest", "sign", root, "--control", "qms", "--key", root / "keys/ada.key")
    assert signed.code == 0, signed.err
    assert "by Ada Lovelace" in signed.out
    signed = run_cli(
        "attest", "sign", root, "--control", "security", "--key", root / "keys/alan.key"
    )
    assert signed.code == 0, signed.err
    return root


def _results(run_cli: Run, root: Path) -> dict[str, dict[str, object]]:
    result = run_cli("check", root, *AS_OF, "--format", "json")
    return {r["rule_id"]: r for r in json.loads(result.out)["results"]}


def test_all_signed_and_recorded_entries_pass_with_their_assurance(
    signed_system: Path, run_cli: Run
) -> None:
    signatures = signed_system / "governance" / "attestations.intoto.jsonl"
    assert len(signatures.read_text().splitlines()) == 2
    results = _results(run_cli, signed_system)
    assurance = {
        rid: r["attestations"][0]["assurance"]  # type: ignore[index]
        for rid, r in results.items()
        if r["attestations"]  # the coherence checks read evidence, not attestations
    }
    assert assurance == {
        "DEMO-QMS": "signed",
        "DEMO-SECURITY": "signed",
        "DEMO-LITERACY": "recorded",
    }
    assert all(results[rid]["status"] == "pass" for rid in assurance)
    assert "recorded (unsigned entry)" in str(results["DEMO-LITERACY"]["message"])
    assert run_cli("check", signed_system, *AS_OF).code == 0


def test_one_altered_byte_makes_that_attestation_invalid_and_fails_closed(
    signed_system: Path, run_cli: Run
) -> None:
    edit(
        signed_system / "governance" / "attestations.yaml",
        "penetration tested",
        "penetration Tested",
    )
    results = _results(run_cli, signed_system)
    assert results["DEMO-QMS"]["status"] == "pass"
    security = results["DEMO-SECURITY"]
    assert security["status"] == "fail" and security["gating"] is True
    info = security["attestations"][0]  # type: ignore[index]
    assert info["assurance"] == "invalid"
    assert "differs from what Alan Turing signed" in info["problem"]
    assert results["DEMO-LITERACY"]["attestations"][0]["assurance"] == "recorded"  # type: ignore[index]

    text = run_cli("check", signed_system, *AS_OF, "-v")
    assert text.code == 1
    out = click.unstyle(text.out)
    assert "invalid signature" in out
    assert "recorded (unsigned entry)" in out
    assert "signed by a listed attester's key" in out

    markdown = run_cli("check", signed_system, *AS_OF, "--format", "markdown").out
    assert "invalid signature" in markdown and "recorded (unsigned entry)" in markdown

    sarif = json.loads(run_cli("check", signed_system, *AS_OF, "--format", "sarif").out)
    (hit,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "DEMO-SECURITY"]
    assert hit["properties"]["assurance"] == "invalid"


def test_an_altered_signature_byte_is_invalid(signed_system: Path, run_cli: Run) -> None:
    signatures = signed_system / "governance" / "attestations.intoto.jsonl"
    lines = signatures.read_text().splitlines()
    envelope = json.loads(lines[0])
    sig = envelope["signatures"][0]["sig"]
    envelope["signatures"][0]["sig"] = ("B" if sig[0] != "B" else "C") + sig[1:]
    signatures.write_text(json.dumps(envelope) + "\n" + lines[1] + "\n")
    results = _results(run_cli, signed_system)
    qms = results["DEMO-QMS"]
    assert qms["status"] == "fail"
    assert "altered after signing" in qms["attestations"][0]["problem"]  # type: ignore[index]
    assert results["DEMO-SECURITY"]["status"] == "pass"


def test_a_key_no_attester_is_listed_for_is_invalid(
    signed_system: Path, run_cli: Run, tmp_path: Path
) -> None:
    # Mallory signs with her own key, then lists it under Ada's name only for signing.
    manifest = signed_system / "govern.yaml"
    original = manifest.read_text()
    assert run_cli("keys", "generate", "--out", signed_system / "keys" / "mallory").code == 0
    edit(manifest, "keys/ada.pub", "keys/mallory.pub")
    signed = run_cli(
        "attest",
        "sign",
        signed_system,
        "--control",
        "qms",
        "--key",
        signed_system / "keys/mallory.key",
    )
    assert signed.code == 0, signed.err
    manifest.write_text(original)
    qms = _results(run_cli, signed_system)["DEMO-QMS"]
    assert qms["status"] == "fail"
    assert "not a listed attester" in qms["attestations"][0]["problem"]  # type: ignore[index]


def test_a_pack_requiring_signed_does_not_accept_a_recorded_entry(
    signed_system: Path, run_cli: Run
) -> None:
    (signed_system / "governance" / "attestations.intoto.jsonl").unlink()
    qms = _results(run_cli, signed_system)["DEMO-QMS"]
    assert qms["status"] == "needs_attestation"
    assert qms["attestations"][0]["assurance"] == "recorded"  # type: ignore[index]
    assert "recorded (unsigned)" in qms["findings"][0]["found"]  # type: ignore[index]


def test_a_garbled_signature_line_is_a_one_line_input_error(
    signed_system: Path, run_cli: Run
) -> None:
    signatures = signed_system / "governance" / "attestations.intoto.jsonl"
    signatures.write_text(signatures.read_text() + "{not json\n")
    result = run_cli("check", signed_system, *AS_OF)
    assert result.code == 2
    assert "governance/attestations.intoto.jsonl:3:1" in result.err
    assert "Traceback" not in result.err


def test_signing_needs_the_key_of_a_listed_attester(signed_system: Path, run_cli: Run) -> None:
    assert run_cli("keys", "generate", "--out", signed_system / "keys" / "eve").code == 0
    result = run_cli(
        "attest", "sign", signed_system, "--control", "qms", "--key", signed_system / "keys/eve.key"
    )
    assert result.code == 2
    assert "is not listed under attesters:" in result.err
    other = run_cli(
        "attest",
        "sign",
        signed_system,
        "--control",
        "qms",
        "--key",
        signed_system / "keys/alan.key",
    )
    assert other.code == 2
    assert "is by Ada Lovelace, not by Alan Turing" in other.err


def test_load_side_pae_is_the_signers_pae() -> None:
    from govern.load.seals import pae as load_pae
    from govern.sign.dsse import pae as sign_pae

    payload = b'{"a": "\xc3\xa9"}'
    assert load_pae("application/vnd.in-toto+json", payload) == sign_pae(
        "application/vnd.in-toto+json", payload
    )


def test_the_html_report_names_each_assurance(
    signed_system: Path, run_cli: Run, tmp_path: Path
) -> None:
    edit(
        signed_system / "governance" / "attestations.yaml",
        "penetration tested",
        "penetration Tested",
    )
    html = tmp_path / "report.html"
    assert run_cli("report", signed_system, *AS_OF, "--html", html).code == 0
    text = html.read_text()
    assert "Attested (signed)" in text and "Attested (recorded)" in text
    for level in ("signed", "recorded", "invalid"):
        assert f'assurance-{level}">{level}</span>' in text
    assert "signed statement" not in text


def test_an_ecdsa_p256_attester_key_verifies(signed_system: Path, run_cli: Run) -> None:
    """Attesters may sign with their own tools: an ECDSA P-256 signature over the DSSE PAE."""
    import base64

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from govern.evidence.attestation import AttestationFile
    from govern.load.seals import attestation_digest, key_fingerprint, pae

    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (signed_system / "keys" / "grace.pub").write_bytes(pem)
    edit(
        signed_system / "govern.yaml",
        "policies:",
        "  - {name: Grace Hopper, role: Head of HR, public_key: keys/grace.pub}\npolicies:",
    )
    import yaml

    data = yaml.safe_load((signed_system / "governance" / "attestations.yaml").read_text())
    entry = AttestationFile.model_validate(data).attestations[2]
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "literacy", "digest": {"sha256": attestation_digest(entry)}}],
        "predicateType": "https://govern.dev/attestations/control-attestation/v1",
        "predicate": {"attestation": entry.model_dump(mode="json")},
    }
    payload = json.dumps(statement).encode()
    kind = "application/vnd.in-toto+json"
    sig = private.sign(pae(kind, payload), ec.ECDSA(hashes.SHA256()))
    envelope = {
        "payload": base64.b64encode(payload).decode(),
        "payloadType": kind,
        "signatures": [
            {"keyid": key_fingerprint(private.public_key()), "sig": base64.b64encode(sig).decode()}
        ],
    }
    signatures = signed_system / "governance" / "attestations.intoto.jsonl"
    signatures.write_text(signatures.read_text() + json.dumps(envelope) + "\n")
    literacy = _results(run_cli, signed_system)["DEMO-LITERACY"]
    assert literacy["status"] == "pass"
    assert literacy["attestations"][0]["assurance"] == "signed"  # type: ignore[index]


def test_an_attester_certificate_expired_at_the_assessment_date_is_invalid(
    signed_system: Path, run_cli: Run
) -> None:
    keys = signed_system / "keys"
    made = run_cli("keys", "generate", "--out", keys / "ada2", "--x509", "--days", "30")
    assert made.code == 0, made.err
    edit(signed_system / "govern.yaml", "public_key: keys/ada.pub", "certificate: keys/ada2.crt")
    signed = run_cli(
        "attest", "sign", signed_system, "--control", "qms", "--key", keys / "ada2.key"
    )
    assert signed.code == 0, signed.err
    now = _results(run_cli, signed_system)["DEMO-QMS"]
    assert now["attestations"][0]["assurance"] == "signed"  # type: ignore[index]
    later = run_cli("check", signed_system, "--as-of", "2031-01-01", "--format", "json")
    (qms,) = [r for r in json.loads(later.out)["results"] if r["rule_id"] == "DEMO-QMS"]
    assert qms["status"] == "fail"
    assert "certificate expired on" in qms["attestations"][0]["problem"]
