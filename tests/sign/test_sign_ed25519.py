"""Ed25519 keys stay available (`govern keys generate --algorithm ed25519`): reports signed with
one verify, with the envelope beside them and alone, though readers cannot check its PAdES."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.sign.conftest import Signed, make_system, sign

pytestmark = pytest.mark.slow

Run = Callable[..., CliResult]


@pytest.fixture(scope="module")
def ed25519(tmp_path_factory: pytest.TempPathFactory) -> tuple[Signed, Path]:
    from govern.sign.keys import generate_keys

    root = tmp_path_factory.mktemp("ed25519")
    keys = generate_keys(root / "ed", certificate_subject="ACME", algorithm="ed25519")
    return sign(make_system(root / "system"), root / "out", keys.private_key, None), keys.public_key


def test_an_ed25519_signed_report_verifies_beside_and_alone(
    run_cli: Run, ed25519: tuple[Signed, Path], tmp_path: Path
) -> None:
    signed, public = ed25519
    beside = run_cli("verify", signed.pdf, "--key", public)
    assert beside.code == 0, beside.out
    assert "ok   envelope signature: Ed25519, key sha256:" in beside.out
    alone = Path(shutil.copy(signed.pdf, tmp_path / "report.pdf"))
    result = run_cli("verify", alone, "--key", public, "--evidence", signed.system)
    assert result.code == 0, result.out
    assert result.out.startswith(f"VALID: {alone} (alone")
    assert "PAdES signature: intact, by ACME" in result.out
    assert "verdict as signed: PASS" in result.out
