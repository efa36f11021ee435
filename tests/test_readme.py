"""README's two commands are the ones that work: CI runs the test command verbatim."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, CliResult, copy_example


def test_ci_runs_the_readme_test_command() -> None:
    ci_lines = [
        ln.strip()
        for ln in (REPO / ".ci" / "run").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    command = ci_lines[-1]
    assert "pytest" in command
    assert command in (REPO / "README.md").read_text()


def test_readme_names_the_example_command() -> None:
    readme = (REPO / "README.md").read_text()
    assert ".venv/bin/pip install . && .venv/bin/govern check examples/credit-scoring" in readme


def test_readme_override_example_tightens_the_builtin_rule(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The organisation-pack example of README.md works as written."""
    readme = (REPO / "README.md").read_text()
    block = re.search(r"```yaml\n# policies/acme/pack.yaml\n(.*?)```", readme, re.S)
    assert block, "README lost its organisation pack example"
    system = copy_example("credit-scoring", tmp_path / "credit")
    (system / "policies" / "acme").mkdir(parents=True)
    (system / "policies" / "acme" / "pack.yaml").write_text(block.group(1))
    manifest = system / "govern.yaml"
    manifest.write_text(
        manifest.read_text().replace("policies: [", "policies: [./policies/acme, ", 1)
    )
    assert run_cli("policies", "lint", system / "policies" / "acme").code == 0
    result = run_cli("check", system, "--format", "json", "--as-of", "2026-11-25")
    assessment = json.loads(result.out)
    rule = next(r for r in assessment["results"] if r["rule_id"] == "EUAIA-19-LOG-RETENTION")
    assert rule["severity"] == "critical"
    assert rule["tightened"] and "acme" in json.dumps(rule["tightened"])
    assert rule["status"] == "pass"  # the example keeps logs 1826 days, above the new 365


def _sh_block_after(heading: str) -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index(heading) :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, f"README lost the commands under {heading}"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_ledger_commands_leave_the_example_untouched(
    tmp_path: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newcomer runs the ledger example as written; examples/ must not change under them."""
    example = REPO / "examples" / "credit-scoring"
    before = sorted(p.relative_to(example) for p in example.rglob("*"))
    lines = _sh_block_after("### The audit ledger")
    assert lines[0].startswith('export GOVERN_DATABASE_URL="sqlite:///$(mktemp -d)/')
    monkeypatch.setenv("GOVERN_DATABASE_URL", f"sqlite:///{tmp_path / 'ledger.db'}")
    for line in lines[1:]:
        args = shlex.split(line)
        assert args[0] == "govern", line
        result = run_cli(*args[1:])
        assert result.code in (0, 1), f"{line}: {result.err}"
    assert (tmp_path / "ledger.db").is_file()
    assert sorted(p.relative_to(example) for p in example.rglob("*")) == before


def test_readme_signing_keys_stay_out_of_the_repository() -> None:
    lines = _sh_block_after("### Signed reports")
    generate = next(line for line in lines if "keys generate" in line)
    assert '--out "$keys/' in generate and "$HOME" in lines[0]
    assert "--sign-key acme-signing.key" not in "\n".join(lines)


def test_copy_example_leaves_out_state_left_in_the_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger an earlier `--record` left in an example never reaches a test's copy."""
    import tests.conftest as shared

    fake_repo = tmp_path / "repo"
    (fake_repo / "examples" / "demo" / ".govern").mkdir(parents=True)
    (fake_repo / "examples" / "demo" / ".govern" / "ledger.db").write_text("left over")
    (fake_repo / "examples" / "demo" / "govern.yaml").write_text("govern: 1\n")
    monkeypatch.setattr(shared, "REPO", fake_repo)
    copy = copy_example("demo", tmp_path / "copy")
    assert (copy / "govern.yaml").is_file() and not (copy / ".govern").exists()
