"""action.yml: a composite action whose shell steps install govern, check and leave SARIF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from junitparser import JUnitXml

from tests.conftest import REPO, source_tree
from tests.render.conftest import sarif_errors

# Builds and installs govern as the GitHub Action does (~10 s).
pytestmark = pytest.mark.slow

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def steps() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ACTION["runs"]["steps"]
    return found


def test_action_is_a_composite_with_the_documented_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"path", "fail-on", "as-of", "baseline", "sarif-file", "package", "upload-sarif"} <= set(
        ACTION["inputs"]
    )
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
    assert set(ACTION["outputs"]) == {"exit-code", "sarif-file"}


def test_run_steps_take_inputs_through_the_environment() -> None:
    # `${{ }}` inside a script is pasted in before bash parses it (script injection); only env
    # values may hold expressions.
    runs = [s for s in steps() if "run" in s]
    assert len(runs) == 2
    for step in runs:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], step["name"]


def test_sarif_is_uploaded_even_when_the_check_fails() -> None:
    (upload,) = [s for s in steps() if "upload-sarif" in s.get("uses", "")]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "always()" in upload["if"] and "inputs.upload-sarif == 'true'" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"


@dataclass
class Runner:
    """Just enough of the Actions runner to run the composite's shell steps in order."""

    workspace: Path
    temp: Path
    inputs: dict[str, str]
    path: list[str] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    def expand(self, value: str) -> str:
        def one(match: re.Match[str]) -> str:
            expression = match[1]
            if expression.startswith("inputs."):
                return self.inputs[expression.removeprefix("inputs.")]
            if expression == "github.action_path":
                return str(REPO)
            raise AssertionError(f"the test runner cannot evaluate {expression!r}")

        return EXPRESSION.sub(one, value)

    def run(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        files = {name: self.temp / name for name in ("output", "path", "summary.md")}
        for file in files.values():
            file.touch()
        files["output"].write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVERN_")}
        env |= {k: self.expand(str(v)) for k, v in step.get("env", {}).items()}
        env |= {
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(files["output"]),
            "GITHUB_PATH": str(files["path"]),
            "GITHUB_STEP_SUMMARY": str(files["summary.md"]),
            # The test installs govern with --no-deps; its dependencies come from this venv.
            "PYTHONPATH": sysconfig.get_paths()["purelib"],
            "PATH": os.pathsep.join(
                [*self.path, str(Path(sys.executable).parent), os.environ["PATH"]]
            ),
        }
        script = self.temp / "step.sh"
        script.write_text(step["run"])
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        added = files["path"].read_text().split()
        self.path = [*reversed(added), *self.path]
        files["path"].write_text("")
        outputs = dict(
            line.split("=", 1) for line in files["output"].read_text().splitlines() if line
        )
        self.outputs[step.get("id", step["name"])] = outputs
        return result

    def run_all(self) -> dict[str, subprocess.CompletedProcess[str]]:
        return {step["name"]: self.run(step) for step in steps() if "run" in step}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is needed to make a repository")
    root = tmp_path / "repo"
    for example in ("support-chatbot", "credit-scoring"):
        shutil.copytree(
            REPO / "examples" / example,
            root / "systems" / example,
            ignore=shutil.ignore_patterns("predictions.csv", "*.py"),
        )
    subprocess.run([git, "init", "-q", str(root)], check=True)
    return root


def test_action_steps_end_to_end(repo: Path, tmp_path: Path) -> None:
    temp = tmp_path / "runner"
    temp.mkdir()
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs |= {
        "path": "systems/support-chatbot",
        "as-of": "2026-11-25",
        "junit-file": "reports/junit.xml",
        "package": str(source_tree(tmp_path / "source")),
        "pip-args": "--no-deps --no-cache-dir",
    }
    runner = Runner(repo, temp, inputs)
    results = runner.run_all()

    install = results["Install govern"]
    assert install.returncode == 0, install.stdout + install.stderr
    venv_bin = temp / "govern-venv" / "bin"
    assert runner.path == [str(venv_bin)] and (venv_bin / "govern").is_file()

    check = results["Check compliance"]
    assert check.returncode == 1, check.stdout + check.stderr
    assert runner.outputs["check"] == {"exit-code": "1", "sarif-file": "govern.sarif"}
    assert "::error file=systems/support-chatbot/docs/model_card.yaml,line=" in check.stdout
    assert "Verdict: FAIL" in check.stdout

    log = json.loads((repo / "govern.sarif").read_text())
    assert sarif_errors(log) == []
    for result in log["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert (repo / uri).is_file()
    junit = JUnitXml.fromfile(str(repo / "reports" / "junit.xml"))
    assert junit.tests == len(log["runs"][0]["tool"]["driver"]["rules"])
    assert (
        junit.failures
        == log["runs"][0]["properties"]["counts"]["fail"]
        + (log["runs"][0]["properties"]["counts"]["needs_attestation"])
    )
    summary = (temp / "summary.md").read_text()
    assert summary.startswith(r"## govern: Ask Lumen support chatbot 1\.4\.0: **FAIL**")

    # The same steps on a compliant system pass, and a baseline turns a failing one green.
    runner.inputs["path"] = "systems/credit-scoring"
    assert runner.run(_step("Check compliance")).returncode == 0
    assert runner.outputs["check"]["exit-code"] == "0"

    subprocess.run(
        [
            str(venv_bin / "govern"),
            "check",
            "systems/support-chatbot",
            "--as-of",
            "2026-11-25",
            "--write-baseline",
            ".govern/baseline.json",
        ],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]},
        check=True,
        capture_output=True,
    )
    runner.inputs |= {"path": "systems/support-chatbot", "baseline": ".govern/baseline.json"}
    with_baseline = runner.run(_step("Check compliance"))
    assert with_baseline.returncode == 0, with_baseline.stdout + with_baseline.stderr
    assert "known failure(s)" in with_baseline.stdout


def test_bad_input_exits_two_and_skips_the_upload(repo: Path, tmp_path: Path) -> None:
    (repo / "systems" / "support-chatbot" / "docs" / "model_card.yaml").write_text("- not a card\n")
    temp = tmp_path / "runner"
    temp.mkdir()
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs |= {"path": "systems/support-chatbot"}
    runner = Runner(repo, temp, inputs, path=[str(Path(sys.executable).parent)])
    result = runner.run(_step("Check compliance"))
    assert result.returncode == 2
    assert runner.outputs["check"]["exit-code"] == "2"
    assert not (repo / "govern.sarif").exists()
    upload = next(s for s in steps() if "upload-sarif" in s.get("uses", ""))
    assert "steps.check.outputs.exit-code == '1'" in upload["if"]


def _step(name: str) -> dict[str, Any]:
    return next(s for s in steps() if s.get("name") == name)
