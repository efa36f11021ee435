"""`govern policies test`: run a pack's fixture cases, so an organisation can test it in CI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from govern.cli.options import DATE


@click.command("test")
@click.argument(
    "targets",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--as-of",
    type=DATE,
    envvar="GOVERN_AS_OF",
    help="Assess cases as of this date unless their expected.yaml sets as_of (default: today).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    envvar="GOVERN_VERBOSE",
    help="Show why each mismatched rule got the status it got.",
)
def command(targets: tuple[Path, ...], as_of: dt.date | None, verbose: bool) -> None:
    """Run the test cases of the packs in TARGETS (a pack folder, or a folder of packs).

    Each case is a folder PACK/tests/NAME/ with a govern.yaml, its evidence, and expected.yaml
    mapping rule ids to the status each should get. Exits 0 when every case passes, 1 when one
    fails or cannot run, 2 when there is no case to run.
    """
    from govern.engine.pack_tests import discover, run_case

    today = as_of or dt.date.today()
    results = [run_case(pack, case, today) for pack, case in discover(list(targets))]
    for result in results:
        name = _show(result.case)
        if result.outcome == "pass":
            click.echo(
                f"{click.style('PASS', fg='green', bold=True)}   {name} ({result.checked} rule(s))"
            )
            continue
        if result.outcome == "error":
            click.echo(f"{click.style('ERROR', fg='magenta', bold=True)}  {name}: cannot run")
            for problem in result.problems:
                click.echo(f"       {problem}")
            continue
        click.echo(f"{click.style('FAIL', fg='red', bold=True)}   {name}")
        for mismatch in result.mismatches:
            what = mismatch.rule or "verdict"
            click.echo(f"       {what}: expected {mismatch.expected}, got {mismatch.actual}")
            if verbose and mismatch.detail:
                click.echo(f"         {mismatch.detail}")
    counts = {o: sum(1 for r in results if r.outcome == o) for o in ("pass", "fail", "error")}
    failed = counts["fail"] + counts["error"]
    click.echo(
        f"{len(results)} case(s): {counts['pass']} passed, {counts['fail']} failed"
        + (f", {counts['error']} could not run" if counts["error"] else "")
    )
    if failed:
        raise click.exceptions.Exit(1)


def _show(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
