"""The in-toto Simple Verification Result beside a signed report: its layout, content and checks."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govern.sign.dsse import sign_envelope
from govern.sign.keys import GeneratedKeys, load_signing_key
from govern.sign.statement import StatementBuilder, Subject
from govern.sign.svr import SVR_PREDICATE_TYPE, SvrPredicate
from tests.conftest import CliResult
from tests.sign.conftest import AS_OF, make_system

Run = Callable[..., CliResult]

# The in-toto Statement v1 layout (in-toto/attestation spec/v1/statement.md) with the SVR v0.1
# predicate's required fields (spec/predicates/svr.md); extension fields are allowed by both.
STATEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["_type", "subject", "predicateType", "predicate"],
    "properties": {
        "_type": {"const": "https://in-toto.io/Statement/v1"},
        "subject": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "digest"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "digest": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]+$"},
                    },
                },
            },
        },
        "predicateType": {"const": "https://in-toto.io/attestation/svr/v0.1"},
        "predicate": {
            "type": "object",
            "required": ["verifier", "timeCreated", "properties"],
            "properties": {
                "verifier": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string", "format": "uri"}},
                },
                "timeCreated": {"type": "string", "format": "date-time"},
                "properties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}


@pytest.fixture
def report(tmp_path: Path, keys: GeneratedKeys, run_cli: Run) -> Path:
    system = make_system(tmp_path / "system")
    out = tmp_path / "out" / "report.json"
    result = run_cli(
        "report", system, "--json", out, "--sign-key", keys.private_key, "--as-of", AS_OF
    )
    assert result.code == 0, result.err
    assert "in-toto Simple Verification Result" in result.err
    return out


def statement_of(envelope_file: Path) -> dict[str, Any]:
    envelope = json.loads(envelope_file.read_text(encoding="utf-8"))
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    statement: dict[str, Any] = json.loads(base64.b64decode(envelope["payload"]))
    return statement


def test_the_svr_follows_the_in_toto_layout(report: Path) -> None:
    statement = statement_of(report.parent / "report.svr.intoto.jsonl")
    checker = jsonschema.FormatChecker()
    jsonschema.Draft202012Validator(STATEMENT_SCHEMA, format_checker=checker).validate(statement)
    predicate = statement["predicate"]
    assert predicate["verifier"]["version"]["govern"]
    assert predicate["asOf"] == AS_OF
    assert set(predicate["verifier"]["policy"]["digest"]) == {"sha256"}


def test_properties_are_the_verdict_and_the_passed_controls(report: Path) -> None:
    assessment = json.loads(report.read_text(encoding="utf-8"))
    passed = [r["rule_id"] for r in assessment["results"] if r["status"] == "pass"]
    properties = statement_of(report.parent / "report.svr.intoto.jsonl")["predicate"]["properties"]
    verdict = assessment["summary"]["verdict"].upper()
    assert properties == [
        f"GOVERN_VERDICT_{verdict}",
        *(f"GOVERN_PASS_{r.replace('-', '_')}" for r in passed),
    ]


def test_without_a_model_the_subject_is_the_systems_evidence(report: Path) -> None:
    assessment = json.loads(report.read_text(encoding="utf-8"))
    files = [assessment["manifest"], *assessment["evidence"]]
    inventory = json.dumps([[f["path"], f["sha256"]] for f in files], separators=(",", ":"))
    (subject,) = statement_of(report.parent / "report.svr.intoto.jsonl")["subject"]
    assert subject == {
        "name": assessment["system"]["id"],
        "digest": {"sha256": hashlib.sha256(inventory.encode()).hexdigest()},
    }


def test_verify_checks_the_svr(report: Path, keys: GeneratedKeys, run_cli: Run) -> None:
    result = run_cli("verify", report, "--key", keys.public_key)
    assert result.code == 0, result.out
    assert "ok   report.svr.intoto.jsonl (in-toto SVR): subject demo" in result.out
    named = run_cli("verify", report.parent / "report.svr.intoto.jsonl", "--key", keys.public_key)
    assert named.code == 0 and named.out.startswith("VALID")


def test_an_altered_svr_fails(report: Path, keys: GeneratedKeys, run_cli: Run) -> None:
    svr = report.parent / "report.svr.intoto.jsonl"
    envelope = json.loads(svr.read_text(encoding="utf-8"))
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["properties"].append("GOVERN_PASS_EVERYTHING")
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    svr.write_text(json.dumps(envelope) + "\n", encoding="utf-8")
    result = run_cli("verify", report, "--key", keys.public_key)
    assert result.code == 1
    assert "FAIL report.svr.intoto.jsonl (in-toto SVR): the envelope was altered" in result.out


def test_a_signed_svr_about_another_subject_fails(
    report: Path, keys: GeneratedKeys, run_cli: Run
) -> None:
    svr = report.parent / "report.svr.intoto.jsonl"
    predicate = SvrPredicate.model_validate(statement_of(svr)["predicate"])
    other = Subject(name="another-model", digest={"sha256": "0" * 64})
    statement = StatementBuilder().subject(other).predicate(SVR_PREDICATE_TYPE, predicate).build()
    key = load_signing_key(keys.private_key, None, None)
    svr.write_text(sign_envelope(statement.to_payload(), key).to_json(), encoding="utf-8")
    result = run_cli("verify", report, "--key", keys.public_key)
    assert result.code == 1
    assert "its subject is not demo " in result.out


def test_a_report_signed_without_an_svr_still_verifies(
    report: Path, keys: GeneratedKeys, run_cli: Run
) -> None:
    (report.parent / "report.svr.intoto.jsonl").unlink()
    result = run_cli("verify", report, "--key", keys.public_key)
    assert result.code == 0, result.out
    assert "--   report.svr.intoto.jsonl (in-toto SVR): not present, not checked" in result.out
