"""Bad keys, passphrases, paths and envelopes: one `error:` line, exit 2 (usage) or 1 (invalid)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.sign.keys import GeneratedKeys
from tests.conftest import CliResult
from tests.sign.conftest import AS_OF, Signed, make_system

Run = Callable[..., CliResult]


def one_error(result: CliResult, code: int, message: str) -> None:
    assert result.code == code, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]
    assert "Traceback" not in result.err + result.out


@pytest.fixture
def encrypted(run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOVERN_KEY_PASSPHRASE", "correct horse")
    assert run_cli("keys", "generate", "--out", tmp_path / "enc", "--passphrase").code == 0
    monkeypatch.delenv("GOVERN_KEY_PASSPHRASE")
    return tmp_path / "enc.key"


def sign_with(run_cli: Run, tmp_path: Path, key: Path) -> CliResult:
    system = make_system(tmp_path / "system")
    out = tmp_path / "out"
    return run_cli("report", system, "--json", out / "r.json", "--sign-key", key, "--as-of", AS_OF)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a key\n", "not a PEM private key (create one with `govern keys generate`)"),
        (b"", "not a PEM private key"),
        (b"\xff\xfe-----BEGIN PRIVATE KEY-----\n\x00\n", "not a PEM private key"),
    ],
)
def test_a_bad_key_file_is_a_usage_error(
    run_cli: Run, tmp_path: Path, content: bytes, message: str
) -> None:
    key = tmp_path / "bad.key"
    key.write_bytes(content)
    one_error(sign_with(run_cli, tmp_path, key), 2, message)
    assert not (tmp_path / "out").exists()


def test_a_public_key_given_as_the_signing_key(
    run_cli: Run, tmp_path: Path, keys: GeneratedKeys
) -> None:
    one_error(sign_with(run_cli, tmp_path, keys.public_key), 2, "not a PEM private key")


def test_a_wrong_passphrase_is_a_usage_error(
    run_cli: Run, tmp_path: Path, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERN_KEY_PASSPHRASE", "wrong")
    one_error(sign_with(run_cli, tmp_path, encrypted), 2, "wrong passphrase for this key")


def test_the_right_passphrase_signs(
    run_cli: Run, tmp_path: Path, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERN_KEY_PASSPHRASE", "correct horse")
    result = sign_with(run_cli, tmp_path, encrypted)
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "r.intoto.jsonl").is_file()


def test_an_encrypted_key_without_a_terminal_or_passphrase(
    run_cli: Run, tmp_path: Path, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI has no terminal to ask on: say which variable to set instead of hanging or aborting."""
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    one_error(sign_with(run_cli, tmp_path, encrypted), 2, "set GOVERN_KEY_PASSPHRASE")


def test_a_missing_key_for_verify(run_cli: Run, signed: Signed, tmp_path: Path) -> None:
    result = run_cli("verify", signed.pdf, "--key", tmp_path / "nope.pub")
    one_error(result, 2, "nope.pub: public key not found")


def test_a_directory_as_key_for_verify(run_cli: Run, signed: Signed, tmp_path: Path) -> None:
    one_error(run_cli("verify", signed.pdf, "--key", tmp_path), 2, "is a directory")


def test_a_report_that_does_not_exist(run_cli: Run, keys: GeneratedKeys, tmp_path: Path) -> None:
    one_error(
        run_cli("verify", tmp_path / "nope.pdf", "--key", keys.public_key),
        2,
        "nope.pdf: no such file",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not json\n", "not a DSSE envelope (Invalid JSON"),
        (b"", "not a DSSE envelope"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "DSSE envelope"),
        (b"\x89PNG\x00\x00\x1a\x00\x00", "not a DSSE envelope"),
        (b'{"payload": "x"}\n', "not a DSSE envelope"),
        (b'{"a": 1}\n{"b": 2}\n', "expected one DSSE envelope on one line"),
        (
            b'{"payload":"!!","payloadType":"application/vnd.in-toto+json","signatures":[]}\n',
            "the envelope payload is not valid base64",
        ),
    ],
)
def test_a_corrupted_envelope_is_invalid(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, content: bytes, message: str
) -> None:
    signed.envelope.write_bytes(content)
    for report in (signed.pdf, signed.envelope):
        one_error(run_cli("verify", report, "--key", keys.public_key), 1, message)


def test_a_statement_of_another_kind_signed_by_the_key_is_invalid(
    run_cli: Run, signed: Signed, keys: GeneratedKeys
) -> None:
    """Correctly signed, but not a govern report: it says so and does not verify."""
    from govern.sign.dsse import sign_envelope
    from govern.sign.keys import load_signing_key

    key = load_signing_key(keys.private_key)
    payload = json.dumps({"_type": "https://in-toto.io/Statement/v1"}).encode()
    signed.envelope.write_text(sign_envelope(payload, key).to_json())
    one_error(
        run_cli("verify", signed.pdf, "--key", keys.public_key),
        1,
        "the payload is not an in-toto Statement v1",
    )
    envelope = json.loads(signed.envelope.read_text())
    assert base64.b64decode(envelope["payload"]) == payload


def test_verify_on_a_pdf_that_is_not_one(run_cli: Run, signed: Signed, keys: GeneratedKeys) -> None:
    """A damaged PDF fails its checks; the parser's own exceptions never escape."""
    data = bytearray(signed.pdf.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\x00" * 4096
    signed.pdf.write_bytes(bytes(data))
    result = run_cli("verify", signed.pdf, "--key", keys.public_key)
    assert result.code == 1, result.out + result.err
    assert "FAIL report.pdf: sha256 is" in result.out
    assert "Traceback" not in result.err and "internal error" not in result.err


def test_command_modules_import_no_heavy_libraries() -> None:
    """`govern --help` and every command's start stay fast: crypto and PDF load on use."""
    code = (
        "import sys\n"
        "import govern.cli, govern.cli.report, govern.cli.verify, govern.cli.keys\n"
        "heavy = ('weasyprint', 'pyhanko', 'cryptography', 'pypdf', 'govern.sign.keys',"
        " 'govern.sign.verify')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
