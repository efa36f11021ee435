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
SEVERITIES = click.Choice(["critical", "high", "medium", "low"])


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
