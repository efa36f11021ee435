"""README's two commands are the ones that work: CI runs the test command verbatim."""

from __future__ import annotations

from tests.conftest import REPO


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
