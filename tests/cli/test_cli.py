"""The CLI as users call it: schema, classify, policies lint/list, JSON output, start-up imports."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.cli.schema import SCHEMAS
from govern.engine.assessment import Assessment
from tests.conftest import REPO, CliResult, edit, write

Run = Callable[..., CliResult]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_prints_json_schema(run_cli: Run, name: str) -> None:
    result = run_cli("schema", name)
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object" and schema["properties"]


def test_model_card_schema_forbids_unknown_keys(run_cli: Run) -> None:
    schema = json.loads(run_cli("schema", "model-card").out)
    assert schema["additionalProperties"] is False


def test_json_output_is_the_assessment(system: Path, run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    result = run_cli("check", system, "--as-of", "2026-11-25", "-o", f"json={out}")
    assert result.code == 0
    assessment = Assessment.model_validate_json(out.read_text())
    assert assessment.format == "govern.assessment/2"
    assert assessment.options.as_of.isoformat() == "2026-11-25"
    again = run_cli("check", system, "--format", "json", "--as-of", "2026-11-25")
    assert again.out == out.read_text()  # same inputs, same bytes


def test_check_exit_code_one_on_blocking_failure(system: Path, run_cli: Run) -> None:
    write(system / "docs" / "card.yaml", "identity:\n  name: D\n")
    result = run_cli("check", system, "--as-of", "2026-11-25")
    assert result.code == 1
    assert "FAIL" in result.out and "DEMO-16-PROVIDER" in result.out
    assert "fix       Name the provider." in result.out


def test_env_vars_set_options(system: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    write(system / "docs" / "card.yaml", "identity:\n  name: Demo Scorer\n")
    monkeypatch.setenv("GOVERN_FAIL_ON", "critical")
    assert run_cli("check", system).code == 0


def test_classify(system: Path, run_cli: Run) -> None:
    result = run_cli("classify", system)
    assert result.code == 0
    assert "high-risk" in result.out and "AnnexIII.5(b)" in result.out
    data = json.loads(run_cli("classify", system, "--format", "json").out)
    assert data["tier"] == "high"


def test_policies_lint_clean_pack(system: Path, run_cli: Run) -> None:
    result = run_cli("policies", "lint", system / "pack")
    assert result.code == 0, result.err
    assert "ok: 0 problem(s)" in result.out


def test_policies_lint_reports_unknown_ids_with_line(system: Path, run_cli: Run) -> None:
    edit(system / "pack" / "rules.yaml", '"MEASURE 2.4"', '"MEASURE 9.9"')
    result = run_cli("policies", "lint", system / "pack")
    assert result.code == 1
    assert "rules.yaml:3:" in result.err and "'MEASURE 9.9'" in result.err


def test_policies_lint_rejects_dates_not_in_reference(system: Path, run_cli: Run) -> None:
    edit(system / "pack" / "pack.yaml", "2026-08-02", "2026-08-03")
    result = run_cli("policies", "lint", system / "pack")
    assert result.code == 1
    assert "2026-08-03 is not an application date" in result.err


def test_builtin_pack_lints_clean_and_is_large_enough(run_cli: Run) -> None:
    from govern.policy.loader import builtin_root

    result = run_cli("policies", "lint", builtin_root())
    assert result.code == 0, result.err
    listing = run_cli("policies", "list")
    eu = next(line for line in listing.out.splitlines() if line.startswith("builtin:eu-ai-act"))
    assert int(eu.split()[2]) >= 60


def test_version_and_help(run_cli: Run) -> None:
    assert "0.1.0" in run_cli("--version").out
    assert "check" in run_cli("--help").out


def test_check_does_not_import_heavy_libraries(system: Path) -> None:
    code = (
        "import sys\n"
        "from govern.cli import main\n"
        f"try:\n    main(['check', {str(system)!r}, '--as-of', '2026-11-25'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'numpy', 'fairlearn', 'weasyprint', 'sqlalchemy',"
        " 'sqlmodel', 'pyarrow', 'rich') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout, out.stdout


def test_text_says_why_a_failure_does_not_gate(system: Path, run_cli: Run) -> None:
    edit(
        system / "pack" / "rules.yaml",
        '  title: Provider named\n  refs: {eu-ai-act: ["Art.16(b)"]}\n  severity: high',
        '  title: Provider named\n  refs: {eu-ai-act: ["Art.16(b)"]}\n  severity: medium',
    )
    write(system / "docs" / "card.yaml", "logging:\n  retention_days: 365\n")
    result = run_cli("check", system, "--as-of", "2026-11-25")
    assert result.code == 0
    assert "does not fail the run: severity medium is below --fail-on high" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chek"], "error: no such command 'chek'; did you mean 'check'? (see 'govern --help')"),
        (["polcies", "lint"], "error: no such command 'polcies'; did you mean 'policies'?"),
        (["frobnicate"], "error: no such command 'frobnicate' (see 'govern --help')"),
        (["check", "--fail-on", "x"], "error: Invalid value for '--fail-on'"),
        (["verify", "report.pdf"], "error: Missing option '--key'"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(run_cli: Run, args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.code == 2
    assert result.err.startswith(message)
    assert len(result.err.strip().splitlines()) == 1


def test_help_names_environment_variables(run_cli: Run) -> None:
    result = run_cli("check", "--help")
    assert result.code == 0
    for variable in ("GOVERN_FAIL_ON", "GOVERN_AS_OF", "GOVERN_OUTPUT", "GOVERN_DATABASE_URL"):
        assert variable in result.out


def test_bad_value_from_the_environment_names_the_variable(
    system: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERN_FAIL_ON", "bogus")
    result = run_cli("check", system)
    assert result.code == 2 and "GOVERN_FAIL_ON" in result.err


@pytest.mark.parametrize("spec", ["JSON=out.json", "Sarif=out.sarif"])
def test_output_format_names_ignore_case(
    system: Path, run_cli: Run, tmp_path: Path, spec: str
) -> None:
    fmt, _, name = spec.partition("=")
    run_cli("check", system, "-o", f"{fmt}={tmp_path / name}")
    assert (tmp_path / name).is_file()
    assert not list(tmp_path.glob("*=*"))


def test_mistyped_output_format_is_refused(system: Path, run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("check", system, "-o", f"jsn={tmp_path / 'out.json'}")
    assert result.code == 2 and "unknown format 'jsn'" in result.err
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("args", [[], ["card"], ["policies"]])
def test_bare_command_prints_its_help(run_cli: Run, args: list[str]) -> None:
    """`govern` alone is how a newcomer starts: the help, not an error."""
    result = run_cli(*args)
    assert result.code == 0
    assert result.out.startswith("Usage: govern") and "Commands:" in result.out
    assert "error" not in result.err


def test_linting_a_copy_of_a_builtin_pack_reports_no_duplicates(
    run_cli: Run, tmp_path: Path
) -> None:
    """A checkout's policies/ (a copy of the installed built-in packs) lints on its own."""
    import shutil

    from govern.policy.loader import builtin_root

    copy = tmp_path / "policies"
    shutil.copytree(builtin_root(), copy)
    for target in (copy, copy / "eu-ai-act"):
        result = run_cli("policies", "lint", target)
        assert result.code == 0, result.err
        assert "duplicate" not in result.err
    alone = run_cli("policies", "lint", copy / "eu-ai-act")
    assert "eu-ai-act" in alone.out and "iso-42001" not in alone.out


def test_builtin_pack_name_is_a_lint_target(run_cli: Run) -> None:
    result = run_cli("policies", "lint", "builtin:eu-ai-act")
    assert result.code == 0, result.err
    assert result.out.startswith("ok: 0 problem(s)") and "eu-ai-act" in result.out
    unknown = run_cli("policies", "lint", "builtin:eu-ai-akt")
    assert unknown.code == 2 and "no built-in pack 'builtin:eu-ai-akt'" in unknown.err


def test_pre_commit_lint_hook_default_lints_clean(run_cli: Run) -> None:
    """The repository's own hook default (policies/) passes on a clean checkout."""
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert '"${@:-policies}"' in hooks
    result = run_cli("policies", "lint", REPO / "policies")
    assert result.code == 0, result.err
