"""`govern diff` and `govern history`: what got worse between releases, as text, JSON, Markdown."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.engine.diff import Snapshot, compare
from govern.store.ledger import Ledger
from tests.conftest import CliResult
from tests.store.conftest import RETENTION_RULE, Release, fixed_clock

Run = Callable[..., CliResult]
PARITY = "demographic_parity_ratio"


def snap(release: Release, label: str, fairness: bool = True) -> Snapshot:
    return Snapshot(label, release.assessment, release.fairness if fairness else None)


def test_same_assessment_has_no_changes(releases: dict[str, Release]) -> None:
    diff = compare(snap(releases["v1"], "a"), snap(releases["v1"], "b"))
    assert diff.regressions == 0
    assert not (diff.new_failures or diff.fixed or diff.changed or diff.fairness)


def test_new_failure_and_fairness_drop(releases: dict[str, Release]) -> None:
    diff = compare(snap(releases["v1"], "v1"), snap(releases["v2"], "v2"))
    assert [(c.rule_id, c.before, c.after) for c in diff.new_failures] == [
        (RETENTION_RULE, "pass", "fail")
    ]
    assert diff.verdict_worse
    parity = [m for m in diff.fairness if m.metric == PARITY and m.method == "between_groups"]
    assert parity and all(m.worse and m.delta == pytest.approx(-0.1, abs=1e-3) for m in parity)
    assert {m.metric for m in diff.fairness} == {PARITY}  # nothing else moved beyond 0.02
    assert diff.regressions == 1 + len(diff.fairness) + 1


def test_fix_is_not_a_regression(releases: dict[str, Release]) -> None:
    diff = compare(snap(releases["v2"], "v2"), snap(releases["v1"], "v1"))
    assert [(c.rule_id, c.before, c.after) for c in diff.fixed] == [
        (RETENTION_RULE, "fail", "pass")
    ]
    assert not diff.new_failures and not diff.verdict_worse
    assert all(not m.worse for m in diff.fairness)
    assert diff.regressions == 0


def test_waiver_then_expiry(releases: dict[str, Release]) -> None:
    waived = compare(snap(releases["v2"], "v2"), snap(releases["v2w"], "v2w"))
    assert [(c.before, c.after, c.worse) for c in waived.changed] == [("fail", "waived", False)]
    expired = compare(snap(releases["v2w"], "v2w"), snap(releases["v3"], "v3"))
    assert [(c.before, c.after) for c in expired.new_failures] == [("waived", "fail")]
    assert [(w.rule, w.before) for w in expired.expired_waivers] == [(RETENTION_RULE, "active")]
    assert expired.regressions == 3  # the failure, the expiry, the verdict


def test_tolerance_hides_small_moves(releases: dict[str, Release]) -> None:
    diff = compare(snap(releases["v1"], "v1"), snap(releases["v2"], "v2"), tolerance=0.2)
    assert diff.fairness == []


def test_json_files_carry_no_fairness(releases: dict[str, Release]) -> None:
    diff = compare(snap(releases["v1"], "a.json", False), snap(releases["v2"], "b.json", False))
    assert diff.fairness == [] and diff.fairness_note is not None
    assert "a.json and b.json" in diff.fairness_note


def test_different_systems_are_noted(releases: dict[str, Release]) -> None:
    diff = compare(snap(releases["v1"], "a"), snap(releases["chat"], "b"))
    assert diff.notes and "two different systems" in diff.notes[0]


# ---------------------------------------------------------------------------------------------
# CLI, on both backends


@pytest.fixture
def recorded(db_url: str, releases: dict[str, Release]) -> str:
    """Runs 1-4 of credit scoring (v1, v2, v2w, v3) and run 5 of the chatbot."""
    clock = fixed_clock()
    with Ledger.open(db_url, write=True) as ledger:
        for name in ("v1", "v2", "v2w", "v3", "chat"):
            ledger.append(releases[name].assessment, releases[name].fairness, now=clock)
    return db_url


def test_history_text(recorded: str, run_cli: Run) -> None:
    result = run_cli("history", "credit-risk-scorer", "--db", recorded)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("credit-risk-scorer: 4 run(s) in ")
    assert lines[1].split()[:5] == ["run", "recorded", "(UTC)", "version", "verdict"]
    first, second = lines[2].split(), lines[3].split()
    assert first[:6] == ["1", "2026-11-25", "09:01:00", "2.3.0", "pass", "0/0/0/0"]
    assert second[:6] == ["2", "2026-11-25", "09:02:00", "2.4.0", "fail", "0/1/0/0"]
    assert "DP ratio" in lines[2] and "EO diff" in lines[2]


def test_history_limit_json_and_markdown(recorded: str, run_cli: Run) -> None:
    data = json.loads(
        run_cli(
            "history", "credit-risk-scorer", "--db", recorded, "--limit", "2", "--format", "json"
        ).out
    )
    assert [r["run_id"] for r in data["runs"]] == [3, 4]
    assert data["runs"][0]["waived"] == 1 and data["runs"][1]["failures"]["high"] == 1
    markdown = run_cli("history", "credit-risk-scorer", "--db", recorded, "--format", "markdown")
    assert markdown.out.startswith("### govern history: credit-risk-scorer")
    assert markdown.out.count("\n| ") == 5  # header and four runs


def test_history_needs_a_system_when_there_are_several(recorded: str, run_cli: Run) -> None:
    result = run_cli("history", "--db", recorded)
    assert result.code == 2
    assert "several systems (ask-lumen-support-chatbot, credit-risk-scorer)" in result.err
    assert run_cli("history", "nope", "--db", recorded).code == 2


def test_diff_latest_previous_with_env_vars(
    recorded: str, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERN_DATABASE_URL", recorded)
    monkeypatch.setenv("GOVERN_SYSTEM", "credit-risk-scorer")
    result = run_cli("diff")
    assert result.code == 0, result.err
    assert result.out.startswith("govern diff: run 3 (credit-risk-scorer 2.4.0, pass) -> run 4")
    assert "new failures (1):" in result.out and RETENTION_RULE in result.out
    assert f"{RETENTION_RULE} expired on 2026-12-31" in result.out
    assert "result: 3 regression(s)" in result.out
    monkeypatch.setenv("GOVERN_FAIL_ON_REGRESSION", "1")
    assert run_cli("diff").code == 1


def test_diff_since_approved_in_markdown(recorded: str, run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "comment.md"
    result = run_cli(
        "diff", "1", "latest", "--system", "credit-risk-scorer", "--db", recorded,
        "--format", "markdown", "-o", out, "--fail-on-regression",
    )  # fmt: skip
    assert result.code == 1
    text = out.read_text()
    assert text.startswith(r"### govern diff: credit-risk-scorer 2\.3\.0 (run 1) → 2\.4\.0 (run 4)")
    assert "#### New failures (1)" in text and "#### Expired waivers (1)" in text
    assert "#### Fairness moved by more than 0.02" in text and "⚠" in text
    approved = run_cli("diff", "approved", "latest", "--system", "credit-risk-scorer",
                       "--db", recorded, "--format", "json")  # fmt: skip
    data = json.loads(approved.out)
    assert data["before"]["run_id"] == 3 and data["after"]["run_id"] == 4
    assert data["regressed"] is True and data["regressions"] == 3


def test_diff_of_assessment_json_files(
    releases: dict[str, Release], run_cli: Run, tmp_path: Path
) -> None:
    from govern.render.json import render

    before, after = tmp_path / "main.json", tmp_path / "pr.json"
    before.write_text(render(releases["v1"].assessment))
    after.write_text(render(releases["v2"].assessment))
    result = run_cli("diff", before, after, "--fail-on-regression")
    assert result.code == 1
    assert "new failures (1):" in result.out
    assert "fairness metrics not compared: main.json and pr.json carry none" in result.out
    same = run_cli("diff", before, before, "--fail-on-regression")
    assert same.code == 0 and "result: nothing got worse" in same.out


def test_diff_errors_are_one_line(tmp_path: Path, run_cli: Run) -> None:
    missing = run_cli("diff", tmp_path / "nope.json", "latest", "--dir", tmp_path)
    assert missing.code == 2 and "no ledger at" in missing.err
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "govern.assessment/1"}')
    result = run_cli("diff", bad, bad)
    assert result.code == 2 and "bad.json" in result.err and "Traceback" not in result.err
    neither = run_cli("diff", "yesterday", "latest", "--dir", tmp_path)
    assert neither.code == 2


def test_commands_do_not_import_database_libraries_until_run() -> None:
    code = (
        "import sys\n"
        "import govern.cli.ledger, govern.cli.history, govern.cli.diff\n"
        "print([m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'psycopg') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
