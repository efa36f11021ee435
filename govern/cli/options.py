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
