"""Bad input: one clear line per problem, naming file and place; exit code 2; no traceback."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, edit, write

Run = Callable[..., CliResult]


def assert_input_error(result: CliResult, file: str, line: int | None = None) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err + result.out
    lines = [ln for ln in result.err.splitlines() if ln.startswith("error: ")]
    assert lines, result.err
    assert any(file in ln for ln in lines), result.err
    if line is not None:
        assert any(re.search(rf"{re.escape(file)}:{line}:\d+:", ln) for ln in lines), result.err


def test_valid_system_runs(system: Path, run_cli: Run) -> None:
    result = run_cli("check", system, "--as-of", "2026-11-25")
    assert result.code == 0, result.out + result.err


def test_yaml_syntax_error_names_line(system: Path, run_cli: Run) -> None:
    write(system / "docs" / "card.yaml", "identity:\n  name: [unclosed\n  version: 1\n")
    assert_input_error(run_cli("check", system), "docs/card.yaml")


def test_wrong_type_names_field_and_line(system: Path, run_cli: Run) -> None:
    write(
        system / "docs" / "card.yaml", "identity:\n  name: X\nlogging:\n  retention_days: forever\n"
    )
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml", line=4)
    assert "logging.retention_days" in result.err


def test_unknown_key_is_an_error_with_suggestion(system: Path, run_cli: Run) -> None:
    write(system / "docs" / "card.yaml", "identity:\n  name: X\n  verison: 1.0\n")
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml", line=3)
    assert "unknown field 'verison'" in result.err
    assert "did you mean 'version'" in result.err


def test_all_problems_of_a_file_at_once(system: Path, run_cli: Run) -> None:
    write(
        system / "docs" / "card.yaml",
        "identity:\n  nme: X\nlogging:\n  retention_days: -1\nfoo: 1\n",
    )
    result = run_cli("check", system)
    errors = [ln for ln in result.err.splitlines() if ln.startswith("error:")]
    assert len(errors) == 3, result.err


def test_missing_evidence_file_points_at_manifest_line(system: Path, run_cli: Run) -> None:
    (system / "docs" / "card.yaml").unlink()
    result = run_cli("check", system)
    assert_input_error(result, "govern.yaml", line=11)
    assert "docs/card.yaml" in result.err and "does not exist" in result.err


def test_binary_file(system: Path, run_cli: Run) -> None:
    (system / "docs" / "card.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml")
    assert "binary" in result.err


def test_invalid_utf8(system: Path, run_cli: Run) -> None:
    (system / "docs" / "card.yaml").write_bytes(b"identity:\n  name: caf\xe9\n")
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml", line=2)
    assert "UTF-8" in result.err


def test_empty_file(system: Path, run_cli: Run) -> None:
    (system / "docs" / "card.yaml").write_text("")
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml")
    assert "empty" in result.err


def test_comment_only_file(system: Path, run_cli: Run) -> None:
    (system / "docs" / "card.yaml").write_text("# nothing yet\n")
    assert_input_error(run_cli("check", system), "docs/card.yaml")


def test_fifty_megabyte_file_is_refused_without_reading(system: Path, run_cli: Run) -> None:
    with open(system / "docs" / "card.yaml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml")
    assert "50.0 MB" in result.err and "limit" in result.err


def test_yaml_alias_bomb(system: Path, run_cli: Run) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    (system / "docs" / "card.yaml").write_text("\n".join(lines) + "\n")
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml")
    assert "alias bomb" in result.err


def test_recursive_alias(system: Path, run_cli: Run) -> None:
    (system / "docs" / "card.yaml").write_text("identity: &x\n  name: *x\n")
    assert_input_error(run_cli("check", system), "docs/card.yaml")


def test_python_tag_is_refused_not_executed(system: Path, run_cli: Run, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    write(
        system / "docs" / "card.yaml",
        f'identity: !!python/object/apply:os.system ["touch {marker}"]\n',
    )
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml", line=1)
    assert "unsupported YAML tag" in result.err
    assert not marker.exists()


def test_duplicate_yaml_key(system: Path, run_cli: Run) -> None:
    write(system / "docs" / "card.yaml", "identity:\n  name: A\n  name: B\n")
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml", line=3)
    assert "duplicate key" in result.err


def test_top_level_list_instead_of_mapping(system: Path, run_cli: Run) -> None:
    write(system / "docs" / "card.yaml", "- a\n- b\n")
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.yaml")
    assert "expected a mapping" in result.err


def test_json_syntax_error_names_line(system: Path, run_cli: Run) -> None:
    edit(system / "govern.yaml", "docs/card.yaml", "docs/card.json")
    (system / "docs" / "card.json").write_text('{\n  "identity": {\n    "name": "x",\n  }\n}\n')
    assert_input_error(run_cli("check", system), "docs/card.json", line=4)


def test_json_nan_is_refused(system: Path, run_cli: Run) -> None:
    edit(system / "govern.yaml", "docs/card.yaml", "docs/card.json")
    (system / "docs" / "card.json").write_text('{"compute_energy": {"co2e_kg": NaN}}')
    assert_input_error(run_cli("check", system), "docs/card.json")


def test_json_unknown_key_has_line(system: Path, run_cli: Run) -> None:
    edit(system / "govern.yaml", "docs/card.yaml", "docs/card.json")
    (system / "docs" / "card.json").write_text('{\n  "identity": {"name": "x"},\n  "bogus": 1\n}')
    result = run_cli("check", system)
    assert_input_error(result, "docs/card.json", line=3)


def test_manifest_problems(system: Path, run_cli: Run) -> None:
    text = (system / "govern.yaml").read_text()
    text = text.replace('annex_iii: "5(b)"', 'annex_iii: "9(z)"').replace(
        "role: provider", "role: vendor"
    )
    (system / "govern.yaml").write_text(text)
    result = run_cli("check", system)
    assert_input_error(result, "govern.yaml", line=9)
    assert "not an Annex III point" in result.err
    assert "system.role" in result.err


def test_no_manifest_is_a_usage_error(tmp_path: Path, run_cli: Run) -> None:
    result = run_cli("check", tmp_path)
    assert result.code == 2
    assert "no govern.yaml" in result.err and "Traceback" not in result.err


def test_policy_with_unknown_operator(system: Path, run_cli: Run) -> None:
    edit(system / "pack" / "rules.yaml", "{present: model_card", "{exists: model_card")
    result = run_cli("check", system)
    assert_input_error(result, "pack/rules.yaml", line=14)
    assert "unknown operator 'exists'" in result.err


def test_policy_with_unknown_framework_id(system: Path, run_cli: Run) -> None:
    edit(system / "pack" / "rules.yaml", '"Art.16(b)"', '"Art.16(zz)"')
    result = run_cli("check", system)
    assert_input_error(result, "pack/rules.yaml", line=12)
    assert "'Art.16(zz)' is not a eu-ai-act provision id" in result.err


def test_policy_with_unknown_framework(system: Path, run_cli: Run) -> None:
    edit(system / "pack" / "rules.yaml", "nist-ai-rmf:", "nist-csf:")
    result = run_cli("check", system)
    assert_input_error(result, "pack/rules.yaml", line=3)


def test_policy_with_bad_regex(system: Path, run_cli: Run) -> None:
    edit(
        system / "pack" / "rules.yaml",
        "{present: model_card.provider.name}",
        "{matches: {path: model_card.provider.name, pattern: '([a-z'}}",
    )
    result = run_cli("check", system)
    assert_input_error(result, "pack/rules.yaml")
    assert "invalid regular expression" in result.err


def test_policy_with_bad_path(system: Path, run_cli: Run) -> None:
    edit(
        system / "pack" / "rules.yaml",
        "{present: model_card.provider.name}",
        "{present: model_cards..name}",
    )
    result = run_cli("check", system)
    assert_input_error(result, "pack/rules.yaml")
    assert "invalid path" in result.err


def test_duplicate_rule_id(system: Path, run_cli: Run) -> None:
    edit(system / "pack" / "rules.yaml", "DEMO-16-PROVIDER", "DEMO-17-QMS")
    result = run_cli("check", system)
    assert_input_error(result, "pack/rules.yaml", line=16)
    assert "duplicate rule id" in result.err


def test_unknown_builtin_pack(system: Path, run_cli: Run) -> None:
    edit(system / "govern.yaml", "[./pack]", "[builtin:no-such-pack]")
    result = run_cli("check", system)
    assert_input_error(result, "govern.yaml", line=13)
    assert "no built-in pack" in result.err


@pytest.mark.parametrize(
    "args", [["--as-of", "tomorrow"], ["--fail-on", "severe"], ["--format", "pdfx"]]
)
def test_bad_options_are_usage_errors(system: Path, run_cli: Run, args: list[str]) -> None:
    result = run_cli("check", system, *args)
    assert result.code == 2
    assert "Traceback" not in result.err


def test_output_file_not_half_written_on_error(system: Path, run_cli: Run) -> None:
    out = system / "out.json"
    (system / "docs" / "card.yaml").write_text("identity: [\n")
    result = run_cli("check", system, "--format", "json", "-o", out)
    assert result.code == 2
    assert not out.exists()


def test_evidence_file_given_as_the_manifest(
    system: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("check", system / "docs" / "card.yaml")
    assert result.code == 2
    assert result.err.strip().endswith(
        "not a govern.yaml manifest (it has no 'govern:' or 'system:' key); give the system's "
        "folder or its govern.yaml"
    )
