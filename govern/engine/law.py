"""Which text of the EU AI Act an assessment applies, and whose application dates.

The law in force on the assessment date is Regulation (EU) 2024/1689 as amended by Regulation
(EU) 2026/1744 (the Digital Omnibus, in force 27 July 2026), so that is the default calendar. The
superseded Official Journal timeline stays available as `original` for comparisons and for runs
about dates before the amendment. Every output names the text, so a reader never has to guess
which dates a verdict rests on; the amended dates stay flagged `verified: false` because the
reference (shared/reference/eu_ai_act.yaml, `digital_omnibus`) had no authentic OJ text of the
amending act, only a Council press release and a consolidated text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

Calendar = Literal["amended", "original"]
DEFAULT_CALENDAR: Calendar = "amended"
# Names accepted on input that older versions wrote; reading them keeps old ledgers and
# expected.yaml files valid.
DEPRECATED_CALENDARS: dict[str, Calendar] = {"official": "original"}

LEGAL_TEXTS: dict[Calendar, str] = {
    "amended": "Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744",
    "original": "Regulation (EU) 2024/1689 as published in the Official Journal on 12 July 2024 "
    "(superseded: without the amendments of Regulation (EU) 2026/1744)",
}
CALENDAR_NOTES: dict[Calendar, str] = {
    "amended": "application dates as amended by Regulation (EU) 2026/1744 (Digital Omnibus); "
    "the amended dates are marked verified: false in the reference (sources: Council press "
    "release of 29 June 2026 and a consolidated text of 2024/1689 as amended; no authentic "
    "Official Journal text of the amending act was available)",
    "original": "application dates of the Official Journal text of 2024/1689, superseded on "
    "27 July 2026 by Regulation (EU) 2026/1744",
}
# The Omnibus prohibitions Art.5(1)(ba) and (bb) apply from this day (amended Art.113(3)(a)).
OMNIBUS_PROHIBITIONS_FROM = dt.date(2026, 12, 2)


def calendar_name(value: Any) -> Any:
    """The current name of a calendar (`official` -> `original`); anything else unchanged, so
    validation still reports an unknown value as it was written."""
    if isinstance(value, str):
        return DEPRECATED_CALENDARS.get(value, value)
    return value


def legal_text(calendar: Calendar) -> str:
    """The legal text an assessment under this calendar applies."""
    return LEGAL_TEXTS[calendar]


def law_line(calendar: Calendar, text: str | None = None) -> str:
    """One line naming the legal text and the calendar, for headers and run properties."""
    flag = " (amended dates verified: false)" if calendar == "amended" else " (superseded)"
    return f"Law applied: {text or legal_text(calendar)} · calendar: {calendar}{flag}"


def applied_basis(effective: Any) -> str:
    """Why an obligation applies from its `applies_from` date: the amended basis when the amended
    date is the one applied (with its verification flag), else the original basis.

    `effective` is an assessment's EffectiveDate (typed loosely: this module sits below it).
    """
    if effective.calendar == "amended" and effective.amended_date is not None:
        flag = "" if effective.amended_verified else "; verified: false"
        return f"{effective.amended_basis}{flag}"
    return str(effective.basis)
