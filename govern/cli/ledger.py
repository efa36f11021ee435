"""`govern ledger`: verify the hash chain of recorded assessments, and upgrade its schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def database_options(command: F) -> F:
    """--db and --dir, shared by every command that reads or writes the ledger."""
    command = click.option(
        "--dir",
        "directory",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        envvar="GOVERN_DIR",
        show_default=True,
        help="System folder whose .govern/ledger.db is used when no --db is given.",
    )(command)
    return click.option(
        "--db",
        metavar="URL",
        envvar="GOVERN_DATABASE_URL",
        help="Ledger database: sqlite:///path/ledger.db or postgresql+psycopg://user@host/db "
        "(default: .govern/ledger.db in --dir).",
    )(command)


def database_url(db: str | None, directory: Path) -> str:
    from govern.store import default_url

    return db or default_url(directory)


@click.group("ledger")
def group() -> None:
    """The ledger of recorded assessments: append-only and hash-chained."""


@group.command("verify")
@database_options
@click.option(
    "--anchor",
    "anchors",
    metavar="RUN:HASH",
    multiple=True,
    envvar="GOVERN_LEDGER_ANCHOR",
    help="A run's chain hash kept outside the database; fail unless the ledger still has it. "
    "Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="GOVERN_FORMAT",
    show_default=True,
    help="Output format.",
)
def verify_command(db: str | None, directory: Path, anchors: tuple[str, ...], fmt: str) -> None:
    """Recompute every digest and chain link and name the first row edited, inserted, deleted or
    moved. Exits 0 when the ledger is intact, 1 when it was tampered with, 2 when it cannot be read.
    """
    from govern.errors import UsageError
    from govern.render.history import VERIFY
    from govern.store.chain import Anchor
    from govern.store.ledger import Ledger

    try:
        parsed = [Anchor.parse(a) for a in anchors]
    except ValueError as exc:
        raise UsageError(f"--anchor: {exc}") from None
    with Ledger.open(database_url(db, directory)) as ledger:
        report = ledger.verify(parsed)
        click.echo(VERIFY[fmt](report, ledger.target.display), nl=False)
    if not report.valid:
        raise click.exceptions.Exit(1)


@group.command("upgrade")
@database_options
def upgrade_command(db: str | None, directory: Path) -> None:
    """Bring a ledger made by an older govern to this version's schema, keeping every run, then
    verify it. Exits 1 if the upgraded ledger does not verify."""
    from govern.render.history import verify_text
    from govern.store.ledger import Ledger

    url = database_url(db, directory)
    before, after = Ledger.upgrade_schema(url)
    with Ledger.open(url) as ledger:
        if before == after:
            click.echo(f"{ledger.target.display} is already at schema {after}; nothing to do")
        else:
            click.echo(f"upgraded {ledger.target.display} from schema {before} to {after}")
        report = ledger.verify()
        click.echo(verify_text(report, ledger.target.display), nl=False)
    if not report.valid:
        raise click.exceptions.Exit(1)
