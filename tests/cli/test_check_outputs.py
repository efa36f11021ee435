"""`govern check -o FORMAT[=PATH]`: several outputs from one run, written whole or not at all."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from junitparser import JUnitXml

from govern.engine.assessment import Assessment
from tests.conftest import REPO, CliResult, write
from tests.render.conftest import sarif_errors

Run = Callable[..., CliResult]
CHATBOT = REPO / "examples" / "support-chatbot"
CREDIT = REPO / "examples" / "credit-scoring"
AS_OF = ("--as-of", "2026-11-25")


def test_one_run_writes_every_format(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "check", CHATBOT, *AS_OF,
        "-o", f"sarif={out / 'govern.sarif'}",
        "-o", f"junit={out / 'junit.xml'}",
        "-o", f"markdown={out / 'summary.md'}",
        "-o", f"json={out / 'assessment.json'}",
        "-o", f"text={out / 'report.txt'}",
        "-o", "github",
    )  # fmt: skip
    assert result.code == 1, result.err
    assert sorted(p.name for p in out.iterdir()) == [
        "assessment.json",
        "govern.sarif",
        "junit.xml",
        "report.txt",
        "summary.md",
    ]
    assert result.out.startswith("::error file=examples/support-chatbot/")
    assert f"wrote {out / 'govern.sarif'}" in result.err
    log = json.loads((out / "govern.sarif").read_text())
    assert sarif_errors(log) == []
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].startswith("examples/support-chatbot/")
    assessment = Assessment.model_validate_json((out / "assessment.json").read_text())
    junit = JUnitXml.fromfile(str(out / "junit.xml"))
    assert junit.tests == len(assessment.results)
    counts = assessment.summary.counts
    assert junit.failures == counts["fail"] + counts["needs_attestation"]
    assert "\x1b[" not in (out / "report.txt").read_text()
    assert "Verdict: FAIL" in (out / "report.txt").read_text()


def test_passing_example_exits_zero_with_every_format(run_cli: Run, tmp_path: Path) -> None:
    specs = [f"{fmt}={tmp_path / fmt}" for fmt in ("sarif", "junit", "markdown", "json", "text")]
    result = run_cli("check", CREDIT, *AS_OF, *[a for s in specs for a in ("-o", s)])
    assert result.code == 0, result.err
    assert sarif_errors(json.loads((tmp_path / "sarif").read_text())) == []
    assert JUnitXml.fromfile(str(tmp_path / "junit")).failures == 0


def test_format_is_an_alias_for_one_stdout_output(run_cli: Run, system: Path) -> None:
    by_format = run_cli("check", system, *AS_OF, "--format", "sarif")
    by_output = run_cli("check", system, *AS_OF, "-o", "sarif")
    by_dash = run_cli("check", system, *AS_OF, "-o", "sarif=-")
    assert by_format.code == by_output.code == by_dash.code == 0
    assert by_format.out == by_output.out == by_dash.out
    assert json.loads(by_format.out)["version"] == "2.1.0"


def test_format_plus_files(run_cli: Run, system: Path, tmp_path: Path) -> None:
    result = run_cli("check", system, *AS_OF, "--format", "json", "-o", f"junit={tmp_path / 'j'}")
    assert json.loads(result.out)["format"] == "govern.assessment/2"
    assert (tmp_path / "j").is_file()


def test_only_files_means_nothing_on_stdout(run_cli: Run, system: Path, tmp_path: Path) -> None:
    result = run_cli("check", system, *AS_OF, "-o", f"sarif={tmp_path / 's'}")
    assert result.code == 0 and result.out == ""


@pytest.mark.parametrize(
    ("argument", "hint"),
    [
        ("jsno", "did you mean '-o json'?"),
        ("sarf", "did you mean '-o sarif'?"),
        ("foo", "did you mean '-o FORMAT=foo'?"),
        ("out.json", "did you mean '-o json=out.json'?"),
        ("results.sarif", "did you mean '-o sarif=results.sarif'?"),
        ("jsn=out.json", "unknown format 'jsn'; did you mean 'json'?"),
    ],
)
def test_an_output_that_is_neither_format_nor_format_path_is_refused(
    run_cli: Run,
    system: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argument: str,
    hint: str,
) -> None:
    """`-o foo` used to write a file named foo; now it says what was probably meant."""
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", system, *AS_OF, "--format", "json", "-o", argument)
    assert result.code == 2
    assert hint in result.err and len(result.err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == [system]  # nothing written


def test_at_most_one_output_on_stdout(run_cli: Run, system: Path) -> None:
    result = run_cli("check", system, *AS_OF, "-o", "text", "-o", "github")
    assert result.code == 2
    assert "more than one output goes to standard output" in result.err


def test_two_outputs_to_one_file_is_a_usage_error(
    run_cli: Run, system: Path, tmp_path: Path
) -> None:
    result = run_cli(
        "check", system, "-o", f"sarif={tmp_path / 'x'}", "-o", f"junit={tmp_path / 'x'}"
    )
    assert result.code == 2 and "both be written" in result.err
    assert not (tmp_path / "x").exists()


def test_unknown_format_is_a_usage_error(run_cli: Run, system: Path) -> None:
    result = run_cli("check", system, "-o", "pdf=report.pdf")
    assert result.code == 2 and "unknown format 'pdf'" in result.err


def test_outputs_from_the_environment(
    run_cli: Run, system: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERN_OUTPUT", f"junit={tmp_path / 'j.xml'}, sarif={tmp_path / 's'} json")
    monkeypatch.setenv("GOVERN_AS_OF", "2026-11-25")
    result = run_cli("check", system)
    assert result.code == 0, result.err
    assert json.loads(result.out)["options"]["as_of"] == "2026-11-25"
    assert (tmp_path / "j.xml").is_file() and (tmp_path / "s").is_file()


def test_nothing_is_written_when_a_renderer_fails(
    run_cli: Run, system: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import govern.render.junit

    def broken(assessment: Assessment, *, base_path: str = "") -> str:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(govern.render.junit, "render", broken)
    result = run_cli(
        "check", system, *AS_OF, "-o", f"sarif={tmp_path / 's'}", "-o", f"junit={tmp_path / 'j'}"
    )
    assert result.code == 3
    assert list(tmp_path.iterdir()) == [system]


def test_nothing_is_written_on_bad_input(run_cli: Run, system: Path, tmp_path: Path) -> None:
    write(system / "docs" / "card.yaml", "identity: [unclosed\n")
    out = tmp_path / "out"
    result = run_cli("check", system, "-o", f"sarif={out / 's'}", "--write-baseline", out / "b")
    assert result.code == 2 and "docs/card.yaml:" in result.err
    assert not out.exists()


def test_dev_null_is_written_in_place(run_cli: Run, system: Path) -> None:
    result = run_cli("check", system, *AS_OF, "-o", "json=/dev/null", "-o", "sarif=/dev/null")
    assert result.code == 0 and result.out == "" and result.err == ""
    assert Path("/dev/null").is_char_device()


def test_step_summary_is_appended_with_the_github_format(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_cli("check", CHATBOT, *AS_OF, "-o", "github")
    assert result.code == 1
    text = summary.read_text()
    assert text.startswith("earlier step\n## govern: Ask Lumen support chatbot")
    assert "`examples/support-chatbot/docs/model_card.yaml:" in text
    run_cli("check", CHATBOT, *AS_OF, "-o", "text")
    assert summary.read_text() == text  # only the github format writes the summary


def test_paths_are_relative_to_the_git_root(run_cli: Run, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CHATBOT, repo / "systems" / "chatbot")
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is needed to make a work tree")
    subprocess.run([git, "init", "-q", str(repo)], check=True)
    result = run_cli("check", repo / "systems" / "chatbot", *AS_OF, "-o", "sarif")
    run = json.loads(result.out)["runs"][0]
    uris = {a["location"]["uri"] for a in run["artifacts"]}
    assert "systems/chatbot/govern.yaml" in uris
    explicit = run_cli(
        "check",
        repo / "systems" / "chatbot",
        *AS_OF,
        "-o",
        "sarif",
        "--repo-root",
        repo / "systems",
    )
    uris = {a["location"]["uri"] for a in json.loads(explicit.out)["runs"][0]["artifacts"]}
    assert "chatbot/govern.yaml" in uris
    outside = run_cli(
        "check", repo / "systems" / "chatbot", "--repo-root", tmp_path / "repo" / ".git"
    )
    assert outside.code == 2 and "is not inside it" in outside.err
