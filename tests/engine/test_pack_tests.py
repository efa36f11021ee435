"""`govern policies test`: fixture cases run against a pack, each rule's status as expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govern.cli.policy_tests import command
from govern.errors import UsageError
from tests.conftest import ATTESTATIONS, CARD, MANIFEST, PACK, RULES, copy_example, write

ALONE = MANIFEST.replace("policies: [./pack]\n", "policies: []\n")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(command, [str(a) for a in args])


def case(pack: Path, name: str, expected: str, card: str = CARD) -> Path:
    root = pack / "tests" / name
    write(root / "govern.yaml", ALONE)
    write(root / "docs" / "card.yaml", card)
    write(root / "docs" / "attestations.yaml", ATTESTATIONS)
    write(root / "expected.yaml", expected)
    return root


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    root = tmp_path / "demo-pack"
    write(root / "pack.yaml", PACK)
    write(root / "rules.yaml", RULES)
    case(
        root,
        "compliant",
        "as_of: 2026-11-25\nverdict: pass\n"
        "rules: {DEMO-12-LOG-RETENTION: pass, DEMO-16-PROVIDER: pass, DEMO-17-QMS: pass}\n",
    )
    case(
        root,
        "short-retention",
        "as_of: 2026-11-25\nverdict: fail\nrules: {DEMO-12-LOG-RETENTION: fail}\n",
        CARD.replace("retention_days: 200", "retention_days: 30"),
    )
    case(
        root,
        "not-yet-in-force",
        "as_of: 2026-06-01\nonly_in_force: true\nverdict: pass\n"
        "rules: {DEMO-12-LOG-RETENTION: fail}\n",
        CARD.replace("retention_days: 200", "retention_days: 30"),
    )
    return root


def test_passing_cases(pack: Path) -> None:
    result = invoke(pack)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [ln.split()[0] for ln in lines[:-1]] == ["PASS", "PASS", "PASS"]
    assert "demo-pack/tests/compliant (3 rule(s))" in lines[0]
    assert lines[-1] == "3 case(s): 3 passed, 0 failed"


def test_a_wrong_expectation_fails_and_says_why(pack: Path) -> None:
    case(pack, "wrong", "as_of: 2026-11-25\nverdict: fail\nrules: {DEMO-16-PROVIDER: fail}\n")
    result = invoke(pack, "-v")
    assert result.exit_code == 1
    assert "FAIL   " in result.output
    assert "DEMO-16-PROVIDER: expected fail, got pass" in result.output
    assert "verdict: expected fail, got pass" in result.output
    assert "all checks met" in result.output  # -v shows why
    assert result.output.splitlines()[-1] == "4 case(s): 3 passed, 1 failed"


def test_unknown_rule_in_expectations(pack: Path) -> None:
    case(pack, "typo", "rules: {DEMO-99: pass}\n")
    result = invoke(pack, "--as-of", "2026-11-25")
    assert result.exit_code == 1
    assert "DEMO-99: expected pass, got no such rule" in result.output


def test_a_case_that_cannot_run_is_an_error(pack: Path) -> None:
    broken = case(pack, "broken", "rules: {DEMO-16-PROVIDER: pass}\n")
    write(broken / "docs" / "card.yaml", "identity: {name: [unclosed\n")
    (case(pack, "no-expectations", "rules: {}\n") / "expected.yaml").unlink()
    case(pack, "bad-status", "rules: {DEMO-16-PROVIDER: passed}\n")
    result = invoke(pack, "--as-of", "2026-11-25")
    assert result.exit_code == 1
    assert "ERROR  " in result.output and "docs/card.yaml:2:1: YAML syntax error" in result.output
    assert "expected.yaml: missing" in result.output
    assert "expected.yaml:1:" in result.output and "DEMO-16-PROVIDER" in result.output
    assert result.output.splitlines()[-1] == "6 case(s): 3 passed, 0 failed, 3 could not run"


def test_a_folder_of_packs(pack: Path) -> None:
    result = invoke(pack.parent, "--as-of", "2026-11-25")
    assert result.exit_code == 0 and "3 case(s): 3 passed" in result.output


def test_no_cases_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "p" / "pack.yaml", PACK)
    result = invoke(tmp_path / "p")
    assert isinstance(result.exception, UsageError)
    assert "no policy test cases" in str(result.exception)


def test_an_organisation_pack_tested_with_the_builtin_rules_it_tightens(tmp_path: Path) -> None:
    acme = tmp_path / "acme"
    write(
        acme / "pack.yaml",
        """\
        id: acme
        title: ACME house rules
        version: 1.0.0
        framework: eu-ai-act
        overrides:
          - rule: EUAIA-19-LOG-RETENTION
            params: {min_retention_days: 2000}
            reason: Group policy keeps logs for five and a half years.
        """,
    )
    credit = acme / "tests" / "credit-scoring"
    copy_example("credit-scoring", credit)
    # No `policies:` in the case: the built-in pack, then the pack under test.
    write(
        credit / "expected.yaml",
        "as_of: 2026-11-25\nverdict: fail\n"
        "rules: {EUAIA-19-LOG-RETENTION: fail, EUAIA-12-EVENT-LOGGING: pass}\n",
    )
    result = invoke(acme)
    assert result.exit_code == 0, result.output
    assert "PASS   " in result.output
