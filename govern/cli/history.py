"""`govern history`: the recorded runs of a system, with verdicts, failures and fairness."""

from __future__ import annotations

from pathlib import Path

import click

from govern.cli.ledger import database_options, database_url


@click.command("history")
@click.argument("system", required=False, envvar="GOVERN_SYSTEM")
@click.option(
    "--system",
    "system_option",
    metavar="SYSTEM",
    help="The same as the SYSTEM argument (the spelling `govern diff` uses).",
)
@database_options
@click.option(
    "--limit",
    # At most a signed 64-bit integer, as SQLite and Postgres take in LIMIT.
    type=click.IntRange(min=1, max=2**63 - 1),
    default=20,
    envvar="GOVERN_HISTORY_LIMIT",
    show_default=True,
    help="Show the newest N runs.",
)
@click.option(
    "--all", "show_all", is_flag=True, envvar="GOVERN_HISTORY_ALL", help="Show every run."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    envvar="GOVERN_FORMAT",
    show_default=True,
    help="Output format.",
)
def command(
    system: str | None,
    system_option: str | None,
    db: str | None,
    directory: Path,
    limit: int,
    show_all: bool,
    fmt: str,
) -> None:
    """Recorded runs of SYSTEM (a system id; optional when the ledger holds one system), oldest
    first: time, version, verdict, failures by severity and the worst fairness disparities; then
    the serious incidents still open in the newest run."""
    from govern.render.history import HISTORY
    from govern.render.incidents import INCIDENTS
    from govern.store.incidents import open_incidents
    from govern.store.ledger import Ledger

    with Ledger.open(database_url(db, directory)) as ledger:
        chosen = ledger.pick_system(system_option or system)
        entries = ledger.history(chosen, None if show_all else limit)
        incidents = open_incidents(ledger, chosen) if entries else None
        shown = HISTORY[fmt](chosen, ledger.target.display, entries)
        click.echo(INCIDENTS[fmt](shown, incidents), nl=False)
