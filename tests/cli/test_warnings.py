"""Dependencies' warnings and log lines reach users only with --debug.

Real commands in a fresh interpreter (`python -m govern`), as a CI runner starts them: a signed
report (WeasyPrint, fontTools, pyHanko), verify of it, of a tampered copy and of a PDF with
content added after signing (pyHanko's difference analysis logs a traceback for that).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from govern.sign.keys import generate_keys
from tests.sign.conftest import make_system

# What Python's warnings module and the logging module print: "file:line: XWarning: ..." and
# "LEVEL:logger:message" (last resort: the bare message, so tracebacks are checked separately).
WARNING_LINE = re.compile(r"\w*Warning\b")
LOG_LINE = re.compile(r"^(?:[\w.]+: )?(?:DEBUG|INFO|WARNING|ERROR|CRITICAL)[:\s]", re.MULTILINE)
pytestmark = pytest.mark.slow  # each command is a fresh interpreter; the report takes ~8 s

LIBRARIES = ("pyhanko", "weasyprint", "fontTools", "pydantic", "cryptography", "sqlalchemy")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "GOVERN_DEBUG")}
    # Make every warning visible unless govern itself hides it: the harshest setting.
    env["PYTHONDEVMODE"] = "1"
    return {**env, **extra}


def govern(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govern", *map(str, args)],
        capture_output=True,
        text=True,
        env=env or _env(),
        timeout=240,
        check=False,
    )


def assert_quiet(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert WARNING_LINE.search(stderr) is None, stderr
    assert LOG_LINE.search(stderr) is None, stderr
    for library in LIBRARIES:
        assert f"/{library}/" not in stderr and f"{library}:" not in stderr, stderr


@pytest.fixture(scope="module")
def signed_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(report.pdf, public key): made by `govern report` in a subprocess, checked to be quiet."""
    root = tmp_path_factory.mktemp("quiet")
    keys = generate_keys(root / "signer", certificate_subject="ACME")
    system = make_system(root / "system")
    out = root / "out"
    result = govern(
        "report",
        system,
        "--pdf",
        out / "report.pdf",
        "--html",
        out / "report.html",
        "--json",
        out / "report.json",
        "--sign-key",
        keys.private_key,
        "--sign-cert",
        keys.certificate,
        "--as-of",
        "2026-11-25",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert_quiet(result.stderr)
    return out / "report.pdf", keys.public_key


def _library_warns() -> bool:
    """Whether this pyHanko/cryptography pair warns on import at all (newer ones may not)."""
    probe = subprocess.run(
        [sys.executable, "-W", "always", "-c", "import pyhanko.sign.signers.pdf_cms"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return "Warning" in probe.stderr


def _with_annotation(pdf: Path, target: Path) -> Path:
    from tests.sign.test_verify_incremental import _pyhanko_annotation

    target.write_bytes(_pyhanko_annotation(pdf.read_bytes()))
    return target


def test_report_is_quiet(signed_report: tuple[Path, Path]) -> None:
    """The fixture made the report without noise; the files it claims exist."""
    pdf, _ = signed_report
    assert pdf.is_file() and pdf.with_name("report.intoto.jsonl").is_file()


def test_verify_is_quiet(signed_report: tuple[Path, Path]) -> None:
    pdf, key = signed_report
    result = govern("verify", pdf, "--key", key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""


def test_verify_of_a_tampered_pdf_is_quiet(
    signed_report: tuple[Path, Path], tmp_path: Path
) -> None:
    pdf, key = signed_report
    for copy in ("report.html", "report.json", "report.intoto.jsonl"):
        (tmp_path / copy).write_bytes(pdf.with_name(copy).read_bytes())
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    (tmp_path / "report.pdf").write_bytes(bytes(data))
    result = govern("verify", tmp_path / "report.pdf", "--key", key)
    assert result.returncode == 1
    assert_quiet(result.stderr)


def test_verify_of_an_incremental_update_is_quiet(
    signed_report: tuple[Path, Path], tmp_path: Path
) -> None:
    pdf, key = signed_report
    for copy in ("report.html", "report.json", "report.intoto.jsonl"):
        (tmp_path / copy).write_bytes(pdf.with_name(copy).read_bytes())
    changed = _with_annotation(pdf, tmp_path / "report.pdf")
    result = govern("verify", changed, "--key", key)
    assert result.returncode == 1
    assert_quiet(result.stderr)
    assert "content was added after signing" in result.stdout


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_debug_shows_library_warnings(signed_report: tuple[Path, Path], how: str) -> None:
    if not _library_warns():
        pytest.skip("this pyHanko and cryptography emit no warning to show")
    pdf, key = signed_report
    if how == "flag":
        result = govern("--debug", "verify", pdf, "--key", key)
    else:
        result = govern("verify", pdf, "--key", key, env=_env(GOVERN_DEBUG="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert WARNING_LINE.search(result.stderr) is not None, result.stderr


def test_debug_shows_library_log_records() -> None:
    """A library logger's record is dropped without --debug and printed, named, with it."""
    code = (
        "import logging, sys\n"
        "from govern.cli import _library_output\n"
        "_library_output(sys.argv[1] == 'debug')\n"
        "logging.getLogger('pyhanko.sign.diff_analysis').error('library says hello')\n"
    )
    quiet, loud = (
        subprocess.run(
            [sys.executable, "-c", code, mode],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
            check=False,
        )
        for mode in ("quiet", "debug")
    )
    assert quiet.stderr == ""
    assert "pyhanko.sign.diff_analysis: ERROR: library says hello" in loud.stderr
