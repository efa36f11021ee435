"""`govern check`: evaluate a system's evidence against its policy packs and gate on the result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from govern.cli.options import DATE, SEVERITIES


@click.command("check")
@click.argument("target", type=click.Path(path_type=Path), default=".", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="GOVERN_FORMAT",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_OUTPUT",
    help="Write the output to this file (atomically).",
)
@click.option(
    "--fail-on",
    type=SEVERITIES,
    default="high",
    envvar="GOVERN_FAIL_ON",
    show_default=True,
    help="Lowest severity of a blocking rule that fails the run.",
)
@click.option(
    "--as-of",
    type=DATE,
    envvar="GOVERN_AS_OF",
    help="Assess as of this date (default: today), for reproducible results.",
)
@click.option(
    "--only-in-force",
    is_flag=True,
    envvar="GOVERN_ONLY_IN_FORCE",
    help="Failures of obligations not yet in force are shown but do not fail the run.",
)
@click.option(
    "--calendar",
    type=click.Choice(["official", "amended"]),
    default="official",
    envvar="GOVERN_CALENDAR",
    show_default=True,
    help="Application dates: the Official Journal's, or as amended by the 2026 "
    "Digital Omnibus (not yet verified).",
)
@click.option(
    "--allow-unattested",
    is_flag=True,
    envvar="GOVERN_ALLOW_UNATTESTED",
    help="Controls that still need an attestation do not fail the run.",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    envvar="GOVERN_VERBOSE",
    help="List passing and not-applicable rules too.",
)
def command(
    target: Path,
    fmt: str,
    output: Path | None,
    fail_on: str,
    as_of: dt.date | None,
    only_in_force: bool,
    calendar: str,
    allow_unattested: bool,
    verbose: bool,
) -> None:
    """Check the AI system in TARGET (a folder with govern.yaml, or the file itself).

    Exits 0 when no blocking rule at or above --fail-on fails, 1 when one does, 2 on bad input.
    """
    from govern.atomic import write_atomic
    from govern.engine import EngineOptions, assess
    from govern.errors import InputError
    from govern.evidence import load_system
    from govern.policy.lint import reference_problems
    from govern.policy.loader import load_packs

    bundle = load_system(target)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    problems = reference_problems(packs)
    if problems:
        raise InputError(problems)
    options = EngineOptions(
        as_of=as_of or dt.date.today(),
        fail_on=fail_on,  # type: ignore[arg-type]
        only_in_force=only_in_force,
        calendar=calendar,  # type: ignore[arg-type]
        allow_unattested=allow_unattested,
    )
    assessment = assess(bundle, packs, options)
    if fmt == "json":
        from govern.render.json import render as render_json

        text = render_json(assessment)
    else:
        from govern.render.text import render as render_text

        text = render_text(assessment, verbose=verbose)
    if output is not None:
        write_atomic(output, click.unstyle(text))
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
    if assessment.summary.verdict == "fail":
        raise click.exceptions.Exit(1)
