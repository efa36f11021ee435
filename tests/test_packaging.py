"""`pip install .` (not -e) ships the policies, templates and reference data, and works anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, source_tree

# Builds a wheel and installs it in a fresh environment (~10 s).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy the tracked tree")
    out = tmp_path_factory.mktemp("wheel")
    source = source_tree(tmp_path_factory.mktemp("source"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"wheel build failed:\n{result.stdout}\n{result.stderr}")
    return next(out.glob("govern-*.whl"))


def test_wheel_contains_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "govern/py.typed" in names
    assert "govern/_policies/eu-ai-act/pack.yaml" in names
    assert "govern/_policies/eu-ai-act/parsed.json" in names
    assert "govern/policy/evidence_fields.json" in names
    for pack_file in (REPO / "policies" / "eu-ai-act").glob("*.yaml"):
        assert f"govern/_policies/eu-ai-act/{pack_file.name}" in names
    for catalogue in ("eu_ai_act", "iso_42001", "nist_ai_rmf", "crosswalk"):
        assert f"govern/reference/{catalogue}.yaml" in names
    for template in (
        p for p in (REPO / "templates").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        assert f"govern/_templates/{template.relative_to(REPO / 'templates').as_posix()}" in names
    packages = {n.rsplit("/", 1)[0] for n in names if n.endswith(".py")}
    source = {p.parent.relative_to(REPO).as_posix() for p in (REPO / "govern").rglob("*.py")}
    assert source <= packages, f"packages missing from the wheel: {source - packages}"


def test_installed_wheel_checks_example_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c", "import govern; print(govern.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.startswith(str(target))
    for example, expected in (("credit-scoring", 0), ("support-chatbot", 1)):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "govern",
                "check",
                str(REPO / "examples" / example),
                "--as-of",
                "2026-11-25",
            ],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == expected, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
