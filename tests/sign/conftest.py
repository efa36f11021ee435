"""Signing fixtures: one key pair with a certificate, and one signed report of a small system."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from govern.sign.keys import GeneratedKeys, generate_keys
from tests.conftest import ATTESTATIONS, CARD, MANIFEST, PACK, RULES, write

AS_OF = "2026-11-25"


@pytest.fixture(autouse=True)
def no_passphrase_in_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A passphrase set in the developer's shell must not leak into the key tests."""
    monkeypatch.delenv("GOVERN_KEY_PASSPHRASE", raising=False)
    yield


def make_system(root: Path) -> Path:
    write(root / "govern.yaml", MANIFEST)
    write(root / "docs" / "card.yaml", CARD)
    write(root / "docs" / "attestations.yaml", ATTESTATIONS)
    write(root / "pack" / "pack.yaml", PACK)
    write(root / "pack" / "rules.yaml", RULES)
    return root


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GeneratedKeys:
    folder = tmp_path_factory.mktemp("keys")
    return generate_keys(folder / "signer", certificate_subject="ACME Model Risk Office")


@pytest.fixture(scope="session")
def other_keys(tmp_path_factory: pytest.TempPathFactory) -> GeneratedKeys:
    folder = tmp_path_factory.mktemp("other-keys")
    return generate_keys(folder / "other", certificate_subject="Someone Else")


@dataclass(frozen=True)
class Signed:
    system: Path
    out: Path

    @property
    def pdf(self) -> Path:
        return self.out / "report.pdf"

    @property
    def html(self) -> Path:
        return self.out / "report.html"

    @property
    def json(self) -> Path:
        return self.out / "report.json"

    @property
    def envelope(self) -> Path:
        return self.out / "report.intoto.jsonl"


def sign(system: Path, out: Path, key: Path, cert: Path | None, *extra: str) -> Signed:
    from govern.cli.report import command

    args = [
        str(system),
        "--pdf",
        str(out / "report.pdf"),
        "--html",
        str(out / "report.html"),
        "--json",
        str(out / "report.json"),
        "--sign-key",
        str(key),
        "--as-of",
        AS_OF,
        *extra,
    ]
    if cert is not None:
        args += ["--sign-cert", str(cert)]
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 0, (result.output, result.exception)
    return Signed(system, out)


@pytest.fixture(scope="session")
def signed_once(tmp_path_factory: pytest.TempPathFactory, keys: GeneratedKeys) -> Signed:
    root = tmp_path_factory.mktemp("signed")
    system = make_system(root / "system")
    return sign(system, root / "out", keys.private_key, keys.certificate)


@pytest.fixture
def signed(signed_once: Signed, tmp_path: Path) -> Signed:
    """A private copy of the signed report and its system, free to tamper with."""
    shutil.copytree(signed_once.system, tmp_path / "system")
    shutil.copytree(signed_once.out, tmp_path / "out")
    return Signed(tmp_path / "system", tmp_path / "out")


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
