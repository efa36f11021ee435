"""Option types shared by several commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click


class DateType(click.ParamType):  # type: ignore[type-arg]
    """An ISO date (YYYY-MM-DD), for fixing the clock with --as-of."""

    name = "DATE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = DateType()


def _calendar(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """`official` was the original calendar's name while it was the default: still accepted, with
    a note, so scripts keep working and learn the new name."""
    if value == "official":
        click.echo(
            "note: --calendar official is deprecated; it now means --calendar original "
            "(the superseded timeline); the default is the law in force (amended)",
            err=True,
        )
        return "original"
    return value


SEVERITIES = click.Choice(["critical", "high", "medium", "low"])


def engine_options(function: Any) -> Any:
    """The options that decide a verdict, shared by `check` and `report` so both judge alike."""
    decorators = [
        click.option(
            "--fail-on",
            type=SEVERITIES,
            default="high",
            envvar="GOVERN_FAIL_ON",
            show_default=True,
            help="Lowest severity of a blocking rule that fails the assessment.",
        ),
        click.option(
            "--as-of",
            type=DATE,
            envvar="GOVERN_AS_OF",
            help="Assess as of this date (default: today in UTC): same inputs and date, same "
            "result.",
        ),
        click.option(
            "--only-in-force",
            is_flag=True,
            envvar="GOVERN_ONLY_IN_FORCE",
            help="Failures of obligations not yet in force are shown but do not fail the "
            "assessment.",
        ),
        click.option(
            "--calendar",
            type=click.Choice(["amended", "original", "official"]),
            default="amended",
            envvar="GOVERN_CALENDAR",
            show_default=True,
            callback=_calendar,
            help="Application dates: the law in force, Regulation (EU) 2024/1689 as amended by "
            "Regulation (EU) 2026/1744 (amended dates not yet verified against the Official "
            "Journal), or the superseded original timeline. `official` is a deprecated name "
            "for `original`.",
        ),
        click.option(
            "--allow-unattested",
            is_flag=True,
            envvar="GOVERN_ALLOW_UNATTESTED",
            help="Controls that still need an attestation do not fail the assessment.",
        ),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def record_options(function: Any) -> Any:
    """`--record` and `--db`, shared by `check` and `report` so both append to the same ledger."""
    function = click.option(
        "--db",
        "db_url",
        metavar="URL",
        envvar="GOVERN_DATABASE_URL",
        help="Ledger database for --record (default: .govern/ledger.db in the system folder), "
        "e.g. postgresql+psycopg://user@host/db.",
    )(function)
    return click.option(
        "--record",
        is_flag=True,
        envvar="GOVERN_RECORD",
        help="Append this assessment to the audit ledger (see `govern history`).",
    )(function)


def record_assessment(assessment: Any, db_url: str | None, system_dir: Any) -> None:
    """Append to the ledger and tell the user the run id and chain anchor to keep."""
    from govern.store import record

    run = record(assessment, db_url, system_dir)
    click.echo(f"recorded run {run.run_id} in {run.database} (anchor {run.anchor})", err=True)
    for warning in run.warnings:
        click.echo(f"warning: {warning}", err=True)
