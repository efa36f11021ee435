"""Field types that refuse stand-ins, so a waiver or attestation cannot be approved by "TODO".

Dates are calendar days in UTC, the one zone govern states, so a run on a machine in
Pacific/Kiritimati and one in America/Adak judge the same waiver the same way on the same instant.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from govern.evidence.placeholders import is_placeholder

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def utc_today(now: dt.datetime | None = None) -> dt.date:
    """Today as govern judges expiry and attestation dates: the UTC day, not the machine's."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()


def calendar_day(value: Any) -> dt.date:
    """A date as written in YAML or JSON, reduced to its UTC day.

    A number is refused: `20270331` or a Unix time would otherwise pass as some date nobody wrote.
    A timestamp with a zone counts on the UTC day it falls on; one without a zone is UTC.
    """
    if isinstance(value, bool | int | float):
        raise ValueError(f"{value!r} is a number, not a date; write YYYY-MM-DD")
    if isinstance(value, dt.datetime):
        return _utc_day(value)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("a date is written YYYY-MM-DD")
    text = value.strip()
    try:
        if _ISO_DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _ISO_DAY.match(text) and len(text) > 10 and text[10] in "Tt ":
            return _utc_day(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    raise ValueError("a date is written YYYY-MM-DD")


def _utc_day(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(dt.UTC).date()


def filled_text(value: str) -> str:
    """Text someone actually wrote: not blank, not TODO, TBD, n/a, -, `<name>` or the like."""
    if is_placeholder(value):
        raise ValueError(f"{_excerpt(value)} is blank or a placeholder, not an answer")
    return value


def _excerpt(value: str) -> str:
    text = value if len(value) <= 40 else value[:37] + "..."
    return repr(text)


CalendarDate = Annotated[dt.date, BeforeValidator(calendar_day)]
FilledText = Annotated[str, AfterValidator(filled_text)]
