"""docs/reports.md tells a recipient how to verify without govern: those very steps must work."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govern.sign.keys import GeneratedKeys
from tests.conftest import REPO
from tests.sign.conftest import Signed, flip

# Runs the documented recipes on a signed PDF report (~3 s).
pytestmark = pytest.mark.slow

DOC = REPO / "docs" / "reports.md"


def block(marker: str) -> str:
    """The fenced code block that follows `<!-- marker -->` in the document."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker} -->\n```[a-z]*\n(.*?)```", text, flags=re.S)
    assert found, marker
    return found.group(1)


def run_python(signed: Signed, keys: GeneratedKeys, tmp_path: Path, *extra: Path) -> str:
    script = tmp_path / "check.py"
    script.write_text(block("recipient-python"))
    result = subprocess.run(
        [sys.executable, str(script), str(signed.envelope), str(keys.public_key), *map(str, extra)],
        capture_output=True,
        text=True,
        check=False,
    )
    return f"{result.returncode}\n{result.stdout}{result.stderr}"


def test_the_python_recipe_verifies_a_signed_report(
    signed: Signed, keys: GeneratedKeys, tmp_path: Path
) -> None:
    out = run_python(signed, keys, tmp_path, signed.system)
    assert out.startswith("0\n"), out
    assert "ok   " + str(signed.pdf) in out
    assert "ok   " + str(signed.system / "docs" / "card.yaml") in out
    assert "ok   " + str(signed.system / "pack" / "rules.yaml") in out
    assert f"signer {keys.keyid}" in out
    assert "verdict PASS: Demo Scorer 1.0.0" in out


@pytest.mark.parametrize("which", ["pdf", "evidence", "pack", "envelope"])
def test_the_python_recipe_fails_on_a_changed_byte(
    signed: Signed, keys: GeneratedKeys, tmp_path: Path, which: str
) -> None:
    target = {
        "pdf": signed.pdf,
        "evidence": signed.system / "docs" / "card.yaml",
        "pack": signed.system / "pack" / "rules.yaml",
        "envelope": signed.envelope,
    }[which]
    flip(target, target.stat().st_size // 2)
    out = run_python(signed, keys, tmp_path, signed.system)
    assert not out.startswith("0\n"), out


def test_the_python_recipe_checks_the_files_that_were_sent(
    signed: Signed, keys: GeneratedKeys, tmp_path: Path
) -> None:
    signed.html.unlink()
    signed.json.unlink()
    out = run_python(signed, keys, tmp_path)
    assert out.startswith("0\n"), out
    assert f"--   {signed.html} not present, not checked" in out
    signed.pdf.unlink()
    assert run_python(signed, keys, tmp_path).startswith("1\n")


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("openssl", "jq", "sha256sum", "base64")),
    reason="needs openssl, jq, sha256sum and base64",
)
def test_the_shell_recipe_verifies_and_detects_a_change(
    signed: Signed, keys: GeneratedKeys
) -> None:
    shutil.copy(keys.public_key, signed.out / "signer.pub")

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block("recipient-shell")],
            cwd=signed.out,
            capture_output=True,
            text=True,
            check=False,
        )

    ok = run()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Signature Verified Successfully" in ok.stdout
    assert "report.pdf: OK" in ok.stdout and "report.json: OK" in ok.stdout
    flip(signed.html, 10)
    assert run().returncode != 0


def test_the_key_fingerprint_command_gives_the_keyid(keys: GeneratedKeys) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl")
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(keys.public_key), "-outform", "DER"],
        capture_output=True,
        check=True,
    ).stdout
    import hashlib

    assert "sha256:" + hashlib.sha256(der).hexdigest() == keys.keyid
    assert "openssl pkey -pubin -in signer.pub -outform DER | sha256sum" in DOC.read_text()
