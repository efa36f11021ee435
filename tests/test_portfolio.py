"""`govern check DIR DIR...` and `--all ROOT`: many systems in one run, same bytes at any --jobs.

A portfolio of a passing system, a failing one and a broken one is the case the issue names: each
gets its own verdict, the broken one is named with its error and does not stop the others, and the
run exits with the worst code. Worker processes must not change a byte of any output.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govern.cli import portfolio_run
from tests.conftest import (
    ATTESTATIONS,
    CARD,
    MANIFEST,
    PACK,
    RULES,
    CliResult,
    copy_example,
    edit,
    write,
)
from tests.render.conftest import sarif_errors

Run = Callable[..., CliResult]
AS_OF = "2026-12-06"
BROKEN_MANIFEST = "govern: 1\nsystem: [unclosed\n"


def small_system(root: Path, system_id: str = "demo", name: str = "Demo Scorer") -> Path:
    """The conftest's three-rule system, under its own id: it passes as of AS_OF."""
    write(root / "govern.yaml", MANIFEST.replace("id: demo", f"id: {system_id}"))
    edit(root / "govern.yaml", "name: Demo Scorer", f"name: {json.dumps(name)}")
    write(root / "docs" / "card.yaml", CARD)
    write(root / "docs" / "attestations.yaml", ATTESTATIONS)
    write(root / "pack" / "pack.yaml", PACK)
    write(root / "pack" / "rules.yaml", RULES)
    return root


def failing_system(root: Path) -> Path:
    small_system(root, "short-logs")
    edit(root / "docs" / "card.yaml", "retention_days: 200", "retention_days: 30")
    return root


def broken_system(root: Path) -> Path:
    write(root / "govern.yaml", BROKEN_MANIFEST)
    return root


@pytest.fixture
def examples(tmp_path: Path) -> list[Path]:
    """The issue's portfolio: the credit example passes, the chatbot fails, one cannot be read."""
    return [
        copy_example("credit-scoring", tmp_path / "credit"),
        copy_example("support-chatbot", tmp_path / "chatbot"),
        broken_system(tmp_path / "broken"),
    ]


def outputs_of(run_cli: Run, folders: list[Path], out: Path, jobs: int) -> dict[str, bytes]:
    """Every portfolio format from one run at `jobs` workers, as bytes."""
    out.mkdir()
    result = run_cli(
        "check",
        *folders,
        "--as-of",
        AS_OF,
        "--jobs",
        jobs,
        "-o",
        "text",
        "-o",
        f"json={out / 'p.json'}",
        "-o",
        f"sarif={out / 'p.sarif'}",
        "-o",
        f"junit={out / 'p.xml'}",
        "-o",
        f"markdown={out / 'p.md'}",
    )
    assert result.code == 2, result.err
    files = {path.suffix: path.read_bytes() for path in sorted(out.iterdir())}
    return {"text": result.out.encode(), **files}


@pytest.mark.slow
def test_pass_fail_and_broken_give_their_own_results_and_the_same_bytes_at_any_jobs(
    run_cli: Run, examples: list[Path], tmp_path: Path
) -> None:
    one = outputs_of(run_cli, examples, tmp_path / "jobs1", 1)
    two = outputs_of(run_cli, examples, tmp_path / "jobs2", 2)
    assert one == two
    lines = one["text"].decode().splitlines()
    assert lines[0].startswith("PASS    credit-risk-scorer  Credit Risk Scorer 2.3.0  ")
    assert lines[1].startswith("FAIL    ask-lumen-support-chatbot  ")
    assert "8 blocking" in lines[1]
    assert lines[2].startswith(f"BROKEN  {examples[2]}  error: govern.yaml:3:1: YAML syntax")
    assert "Portfolio: 3 systems (1 pass, 1 fail, 1 broken) · as of 2026-12-06" in lines
    assert "Exit code: 2 (the worst of the systems)" in lines

    document = json.loads(one[".json"])
    # Put together from per-system parts, yet laid out as one json.dumps of the whole.
    assert one[".json"].decode() == json.dumps(document, indent=2, sort_keys=True) + "\n"
    assert [s["verdict"] for s in document["systems"]] == ["pass", "fail", "broken"]
    assert [s["exit_code"] for s in document["systems"]] == [0, 1, 2]
    assert document["systems"][2]["assessment"] is None
    assert document["systems"][2]["error"].startswith("govern.yaml:3:1: YAML syntax")

    log = json.loads(one[".sarif"])
    assert sarif_errors(log) == []
    assert [run["properties"]["path"] for run in log["runs"]] == [str(p) for p in examples]
    assert log["runs"][2]["invocations"][0]["executionSuccessful"] is False

    suites = ET.fromstring(one[".xml"]).findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "credit-risk-scorer",
        "ask-lumen-support-chatbot",
        str(examples[2]),
    ]
    assert suites[2].get("errors") == "1"
    assert int(suites[0].get("failures", "")) == 0 and int(suites[1].get("failures", "")) > 0


def test_each_system_in_the_json_is_the_assessment_check_writes_for_it_alone(
    run_cli: Run, tmp_path: Path
) -> None:
    folders = [small_system(tmp_path / "a", "a"), failing_system(tmp_path / "b")]
    whole = run_cli("check", *folders, "--as-of", AS_OF, "--jobs", "1", "-o", "json")
    assert whole.code == 1, whole.err
    document = json.loads(whole.out)
    assert document["format"] == "govern.portfolio/1"
    assert document["exit_code"] == 1
    assert document["summary"]["verdicts"] == {"pass": 1, "fail": 1, "broken": 0}
    assert document["summary"]["recurring_failures"] == [
        {"rule_id": "DEMO-12-LOG-RETENTION", "systems": 1, "title": "Logs kept at least six months"}
    ]
    for folder, system in zip(folders, document["systems"], strict=True):
        alone = run_cli("check", folder, "--as-of", AS_OF, "-o", "json")
        assert system["assessment"] == json.loads(alone.out)
        assert system["path"] == str(folder)
        assert system["error"] is None


@pytest.mark.parametrize(
    ("kinds", "code"),
    [(["pass", "pass"], 0), (["pass", "fail"], 1), (["fail", "broken"], 2), (["broken"] * 2, 2)],
)
def test_the_exit_code_is_the_worst_of_the_systems(
    run_cli: Run, tmp_path: Path, kinds: list[str], code: int
) -> None:
    makers = {"pass": small_system, "fail": failing_system, "broken": broken_system}
    folders = [makers[kind](tmp_path / f"{i}-{kind}") for i, kind in enumerate(kinds)]
    result = run_cli("check", *folders, "--as-of", AS_OF, "--jobs", "1")
    assert result.code == code, result.err
    verdicts = [line.split()[0] for line in result.out.splitlines()[: len(kinds)]]
    assert verdicts == [kind.upper() for kind in kinds]


def test_all_finds_every_system_in_order_and_skips_tool_hidden_and_outside_folders(
    run_cli: Run, tmp_path: Path
) -> None:
    root = tmp_path / "org"
    small_system(root / "b-team" / "scorer", "b-scorer")
    small_system(root / "a-team", "a-team")
    small_system(root / "a-team" / "nested", "a-nested")
    for skipped in (".git", ".venv", "node_modules", ".hidden"):
        broken_system(root / skipped / "system")
    small_system(tmp_path / "elsewhere", "elsewhere")
    os.symlink(tmp_path / "elsewhere", root / "link-out")
    os.symlink(root / "a-team", root / "link-in")

    result = run_cli("check", "--all", root, "--as-of", AS_OF, "--jobs", "1", "-o", "json")
    assert result.code == 0, result.err
    paths = [s["path"] for s in json.loads(result.out)["systems"]]
    assert paths == [str(root / "a-team"), str(root / "a-team/nested"), str(root / "b-team/scorer")]
    assert f"note: not following {root / 'link-out'}: a symlink to a folder outside" in result.err
    assert "link-in" not in result.err


def test_all_with_no_system_is_a_usage_error(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("check", "--all", tmp_path / "empty")
    assert result.code == 2
    assert result.err.startswith("error: --all ") and "holds a govern.yaml" in result.err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown", "github"])
def test_jobs_do_not_change_a_byte(run_cli: Run, tmp_path: Path, fmt: str) -> None:
    folders = [
        small_system(tmp_path / "one", "one"),
        broken_system(tmp_path / "two"),
        failing_system(tmp_path / "three"),
        small_system(tmp_path / "four", "four"),
    ]
    args = ("check", *folders, "--as-of", AS_OF, "-o", fmt)
    serial = run_cli(*args, "--jobs", "1")
    parallel = run_cli(*args, "--jobs", "2")
    assert serial.code == parallel.code == 2
    assert serial.out == parallel.out
    assert str(os.getpid()) not in serial.out
    if fmt == "sarif":  # a broken system's run too is valid SARIF 2.1.0
        assert sarif_errors(json.loads(serial.out)) == []


def test_record_appends_every_assessed_system_to_the_ledger(run_cli: Run, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    folders = [
        small_system(tmp_path / "a", "a"),
        failing_system(tmp_path / "b"),
        broken_system(tmp_path / "c"),
    ]
    result = run_cli("check", *folders, "--as-of", AS_OF, "--jobs", "2", "--record", "--db", db)
    assert result.code == 2, result.err
    assert result.err.count("recorded run ") == 2
    for system_id, verdict in (("a", "pass"), ("short-logs", "fail")):
        history = run_cli("history", system_id, "--db", db, "--format", "json")
        runs = json.loads(history.out)["runs"]
        assert [run["verdict"] for run in runs] == [verdict]


def test_record_without_db_writes_each_systems_own_ledger(run_cli: Run, tmp_path: Path) -> None:
    folders = [small_system(tmp_path / "a", "a"), small_system(tmp_path / "b", "b")]
    result = run_cli("check", *folders, "--as-of", AS_OF, "--jobs", "1", "--record")
    assert result.code == 0, result.err
    for folder in folders:
        assert (folder / ".govern" / "ledger.db").is_file()


def test_hostile_names_are_shown_not_obeyed(run_cli: Run, tmp_path: Path) -> None:
    hostile = "Evil\x1b[2J\u202eName\nPASS  forged"
    folders = [small_system(tmp_path / "x", "x", hostile), broken_system(tmp_path / "bad\x1bdir")]
    result = run_cli("check", *folders, "--as-of", AS_OF, "--jobs", "1")
    assert result.code == 2
    assert "\x1b[2J" not in result.out and "\u202e" not in result.out
    assert "Evil<U+001B>[2J<U+202E>Name<U+000A>PASS  forged" in result.out
    assert "bad<U+001B>dir" in result.out
    assert not any(line.startswith("PASS  forged") for line in result.out.splitlines())


def test_an_expiring_waiver_and_a_coming_obligation_are_in_the_summary(
    run_cli: Run, tmp_path: Path
) -> None:
    waived = failing_system(tmp_path / "waived")
    with open(waived / "govern.yaml", "a", encoding="utf-8") as handle:
        handle.write(
            "waivers:\n  - rule: DEMO-12-LOG-RETENTION\n    reason: Retention fix ships soon.\n"
            "    approved_by: Head of Risk\n    expires: 2027-11-20\n"
        )
    folders = [waived, small_system(tmp_path / "plain", "plain")]
    for folder in folders:  # the QMS attestation stays within its year on the later date
        edit(folder / "docs" / "attestations.yaml", "date: 2026-06-01", "date: 2027-06-01")
    result = run_cli("check", *folders, "--as-of", "2027-11-01", "--jobs", "1", "-o", "json")
    assert result.code == 0, result.err
    summary: dict[str, Any] = json.loads(result.out)["summary"]
    assert summary["expiring_waivers"] == [
        {
            "approved_by": "Head of Risk",
            "expires": "2027-11-20",
            "rule": "DEMO-12-LOG-RETENTION",
            "system": "short-logs",
        }
    ]
    (coming,) = summary["upcoming_obligations"]
    assert coming["date"] == "2027-12-02"
    assert coming["rules"] == ["DEMO-12-LOG-RETENTION"]
    assert coming["systems"] == ["plain", "short-logs"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline", "b.json"], "--baseline and --write-baseline apply to one system"),
        (["--all", "."], "give system folders or --all ROOT, not both"),
    ],
)
def test_what_fits_one_system_only_is_refused_in_one_line(
    run_cli: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    folders = [small_system(tmp_path / "a", "a"), small_system(tmp_path / "b", "b")]
    result = run_cli("check", *folders, *args)
    assert result.code == 2
    assert result.err.count("\n") == 1 and message in result.err


@pytest.mark.parametrize("again", ["../a", "govern.yaml"])
def test_a_system_named_twice_is_refused(run_cli: Run, tmp_path: Path, again: str) -> None:
    folder = small_system(tmp_path / "a", "a")
    result = run_cli("check", folder, folder / again)
    assert result.code == 2
    assert "the same system as" in result.err


def test_packs_are_parsed_once_per_process(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import govern.policy.loader as loader

    calls: list[list[str]] = []
    real = loader.load_packs

    def counted(sources: list[str], *args: Any, **kwargs: Any) -> loader.PackSet:
        calls.append(list(sources))
        return real(sources, *args, **kwargs)

    monkeypatch.setattr(loader, "load_packs", counted)
    monkeypatch.setattr(portfolio_run, "_PACKS", {})
    folders = [
        copy_example("credit-scoring", tmp_path / "one"),
        copy_example("credit-scoring", tmp_path / "two"),
    ]
    edit(folders[1] / "govern.yaml", "id: credit-risk-scorer", "id: credit-two")
    result = run_cli("check", *folders, "--as-of", AS_OF, "--jobs", "1")
    assert result.code == 0, result.err
    assert len(calls) == 1


def test_a_changed_pack_file_is_parsed_again(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portfolio_run, "_PACKS", {})
    first = small_system(tmp_path / "a", "a")
    assert portfolio_run.assess_system(job_for(first)).verdict == "pass"
    edit(first / "pack" / "rules.yaml", "min_days: 183", "min_days: 365")
    assert portfolio_run.assess_system(job_for(first)).verdict == "fail"
    assert len(portfolio_run._PACKS) == 2


def job_for(folder: Path) -> portfolio_run.SystemJob:
    import datetime as dt

    from govern.engine.evaluate import EngineOptions

    options = EngineOptions(as_of=dt.date.fromisoformat(AS_OF))
    return portfolio_run.SystemJob(folder, str(folder), None, options)


def test_a_format_that_cannot_hold_a_portfolio_is_refused(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govern.render import portfolio

    monkeypatch.delitem(portfolio.PORTFOLIO_RENDERERS, "github")
    folders = [small_system(tmp_path / "a", "a"), small_system(tmp_path / "b", "b")]
    result = run_cli("check", *folders, "-o", "github")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "-o github holds one system, not a portfolio; use one of text, json" in result.err


def test_github_annotates_every_system_and_fills_the_job_summary(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    folders = [failing_system(tmp_path / "a"), broken_system(tmp_path / "b")]
    result = run_cli("check", *folders, "--as-of", AS_OF, "--jobs", "1", "-o", "github")
    assert result.code == 2
    commands = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert len(commands) == 1 and "DEMO-12-LOG-RETENTION" in commands[0]
    assert result.out.splitlines()[-1].startswith("::govern-")  # the fence closes last
    assert f"BROKEN  {folders[1]}  error: govern.yaml:3:1" in result.out
    assert summary.read_text(encoding="utf-8").startswith("# govern: portfolio of 2 systems")


def test_an_output_may_not_replace_a_file_any_system_read(run_cli: Run, tmp_path: Path) -> None:
    folders = [small_system(tmp_path / "a", "a"), small_system(tmp_path / "b", "b")]
    card = folders[1] / "docs" / "card.yaml"
    before = card.read_bytes()
    result = run_cli("check", *folders, "--as-of", AS_OF, "-o", f"json={card}")
    assert result.code == 2
    assert card.read_bytes() == before


def test_all_counts_the_root_itself_when_it_is_a_system(run_cli: Run, tmp_path: Path) -> None:
    root = small_system(tmp_path / "root", "root")
    small_system(root / "sub", "sub")
    result = run_cli("check", "--all", root, "--as-of", AS_OF, "--jobs", "1")
    assert result.code == 0, result.err
    assert [line.split()[1] for line in result.out.splitlines()[:2]] == ["root", "sub"]


def test_hostile_names_leave_junit_well_formed_and_markdown_inert(
    run_cli: Run, tmp_path: Path
) -> None:
    hostile = "Evil\x01<b>|name|</b>\u202e"
    folders = [small_system(tmp_path / "x", "x", hostile), broken_system(tmp_path / "bad\x01|dir")]
    args = ("check", *folders, "--as-of", AS_OF, "--jobs", "1")
    junit = run_cli(*args, "-o", "junit")
    suites = ET.fromstring(junit.out.encode()).findall("testsuite")
    assert suites[1].get("name", "").endswith("bad<U+0001>|dir")
    markdown = run_cli(*args, "-o", "markdown")
    rows = [line for line in markdown.out.splitlines() if line.startswith("| **")]
    assert len(rows) == 2
    assert "<b>" not in rows[0] and "\u202e" not in markdown.out
    assert all(row.count(" | ") == 3 for row in rows)  # no cell split by a name's pipes
