"""The text report at a terminal: it scales to a fresh scaffold and its words match the gate."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import click

from tests.conftest import CliResult, edit, write

Run = Callable[..., CliResult]
AS_OF = ("--as-of", "2026-11-25")


def _verdict(out: str) -> str:
    (line,) = [ln for ln in click.unstyle(out).splitlines() if ln.startswith("Verdict:")]
    return line


def test_a_fresh_high_risk_scaffold_fits_a_few_screens(run_cli: Run, tmp_path: Path) -> None:
    system = tmp_path / "fresh"
    assert run_cli("init", system, "--no-input", "--tier", "high").code == 0
    short = run_cli("check", system, *AS_OF)
    full = run_cli("check", system, *AS_OF, "-v")
    assert short.code == full.code == 1
    verdict = _verdict(short.out)
    assert len(verdict) < 600, verdict
    match = re.search(
        r"(\d+) blocking rule\(s\) at or above high: ([^(]*?) and (\d+) more", verdict
    )
    assert match, verdict
    named = match.group(2).split(", ")
    assert len(named) == 5 and int(match.group(3)) == int(match.group(1)) - 5
    lines = click.unstyle(short.out).splitlines()
    assert len(lines) < 200 < len(click.unstyle(full.out).splitlines())
    assert any("rerun the same command with -v" in ln for ln in lines)
    assert re.search(r"^  … \d+ more FAIL \[high\]: \S+", short.out, re.M)
    # Everything the short form names only by count, -v shows in full.
    failing = set(re.findall(r"^  FAIL  (\S+) ", click.unstyle(full.out), re.M))
    assert len(failing) == int(match.group(1)) or len(failing) > 50


def test_blocking_label_only_when_the_rule_blocks_at_this_fail_on(
    system: Path, run_cli: Run
) -> None:
    edit(
        system / "pack" / "rules.yaml",
        '  title: Provider named\n  refs: {eu-ai-act: ["Art.16(b)"]}\n  severity: high',
        '  title: Provider named\n  refs: {eu-ai-act: ["Art.16(b)"]}\n  severity: medium',
    )
    write(system / "docs" / "card.yaml", "logging:\n  retention_days: 365\n")
    at_high = click.unstyle(run_cli("check", system, *AS_OF).out)
    (line,) = [ln for ln in at_high.splitlines() if "DEMO-16-PROVIDER" in ln]
    assert "[medium]" in line and "blocking" not in line
    assert "does not fail the run: severity medium is below --fail-on high" in at_high
    at_medium = click.unstyle(run_cli("check", system, *AS_OF, "--fail-on", "medium").out)
    (line,) = [ln for ln in at_medium.splitlines() if ln.startswith("  FAIL  DEMO-16-PROVIDER")]
    assert "[medium, blocking]" in line


def test_attested_controls_are_counted_apart_from_passes(system: Path, run_cli: Run) -> None:
    out = click.unstyle(run_cli("check", system, *AS_OF).out)
    (counts,) = [ln for ln in out.splitlines() if ln.startswith("EU AI Act:")]
    # DEMO-12 and DEMO-16 pass from evidence, DEMO-17 on the QMS attestation.
    assert "(2 pass, 1 attested (1 recorded);" in counts, counts


def test_verdict_with_a_baseline_names_the_known_blocking_failures(
    system: Path, run_cli: Run, tmp_path: Path
) -> None:
    write(system / "docs" / "card.yaml", "logging:\n  retention_days: 30\n")
    baseline = tmp_path / "baseline.json"
    assert run_cli("check", system, *AS_OF, "--write-baseline", baseline).code == 0
    result = run_cli("check", system, *AS_OF, "--baseline", baseline)
    assert result.code == 0
    verdict = _verdict(result.out)
    assert verdict.startswith("Verdict: PASS: no new blocking rule at or above high fails")
    assert "2 known blocking rule(s) still fail but are in the baseline" in verdict
    assert "DEMO-12-LOG-RETENTION" in verdict and "DEMO-16-PROVIDER" in verdict


def test_markdown_verdict_names_a_handful_of_ids(run_cli: Run, tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    system = tmp_path / "fresh"
    assert run_cli("init", system, "--no-input", "--tier", "high").code == 0
    out = run_cli("check", system, *AS_OF, "--format", "markdown").out
    html = MarkdownIt("commonmark").render(out)
    verdict = next(ln for ln in out.splitlines() if "blocking rule(s) at or above high fail" in ln)
    assert verdict.count("`") == 10 and re.search(r" and \d+ more\.\s*$", verdict), verdict
    assert html.count("<code>") > 50  # the table still names every rule
