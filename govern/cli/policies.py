"""`govern policies`: lint and list policy packs."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("policies")
def group() -> None:
    """Work with policy packs."""


@group.command("lint")
@click.argument(
    "targets",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--strict", is_flag=True, envvar="GOVERN_LINT_STRICT", help="Treat warnings as problems."
)
def lint_command(targets: tuple[Path, ...], strict: bool) -> None:
    """Check pack folders (or a folder of packs): structure, operators, regexes, parameters,
    application dates and framework references. Exits 1 when a problem is found."""
    from govern.policy.lint import lint

    report = lint(list(targets))
    for problem in report.problems:
        click.echo(f"error: {problem.format()}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning.format()}", err=True)
    failed = bool(report.problems) or (strict and bool(report.warnings))
    packs = ", ".join(f"{p.info.id} {p.info.version} ({len(p.rules)} rules)" for p in report.packs)
    summary = f"{len(report.problems)} problem(s), {len(report.warnings)} warning(s)" + (
        f" in {packs}" if packs else ""
    )
    click.echo(("FAIL: " if failed else "ok: ") + summary)
    if failed:
        raise click.exceptions.Exit(1)


@group.command("list")
def list_command() -> None:
    """List the built-in packs."""
    from govern.policy.loader import builtin_packs, builtin_root, load_pack

    for name in builtin_packs():
        pack = load_pack(builtin_root() / name, f"builtin:{name}")
        click.echo(
            f"builtin:{name}  {pack.info.version}  {len(pack.rules)} rules  {pack.info.title}"
        )
