"""README's two commands are the ones that work: CI runs the test command verbatim."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

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
