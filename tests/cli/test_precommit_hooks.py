""".pre-commit-hooks.yaml: each hook's entry runs as pre-commit would run it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, write

HOOKS = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}


def run_hook(hook_id: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pre-commit runs `entry` split like a shell would, then the hook's args (no file names)."""
    hook = HOOKS[hook_id]
    assert hook["pass_filenames"] is False
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVERN_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    return subprocess.run(
        [*shlex.split(hook["entry"]), *args], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.fixture
def chatbot(tmp_path: Path) -> Path:
    if shutil.which("bash") is None:
        pytest.skip("the hooks use bash")
    root = tmp_path / "chatbot"
    shutil.copytree(REPO / "examples" / "support-chatbot", root)
    return root


def test_hooks_are_well_formed() -> None:
    assert set(HOOKS) == {"govern-policies-lint", "govern-validate", "govern-check"}
    for hook in HOOKS.values():
        assert hook["language"] == "python" and hook["name"] and hook["description"]
        assert hook["files"]


def test_policies_lint_hook(system: Path) -> None:
    assert run_hook("govern-policies-lint", system, "pack").returncode == 0
    (system / "policies").mkdir()
    shutil.copytree(system / "pack", system / "policies" / "demo")
    default = run_hook("govern-policies-lint", system)
    assert default.returncode == 0, default.stderr
    write(system / "pack" / "rules.yaml", "- id: X\n  check: {bogus: 1}\n")
    broken = run_hook("govern-policies-lint", system, "pack")
    assert broken.returncode == 1 and "rules.yaml" in broken.stderr


def test_validate_hook_passes_valid_evidence_that_fails_rules(chatbot: Path) -> None:
    result = run_hook("govern-validate", chatbot, "--as-of", "2026-11-25")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_validate_hook_stops_malformed_evidence(chatbot: Path) -> None:
    write(chatbot / "docs" / "model_card.yaml", "identity:\n  nmae: Lumi\n")
    result = run_hook("govern-validate", chatbot)
    assert result.returncode != 0
    assert "docs/model_card.yaml:2:3" in result.stderr


def test_check_hook_gates_like_ci(chatbot: Path) -> None:
    assert run_hook("govern-check", chatbot, "--as-of", "2026-11-25").returncode == 1
    credit = REPO / "examples" / "credit-scoring"
    assert run_hook("govern-check", credit, "--as-of", "2026-11-25").returncode == 0
