"""Waivers from govern.yaml, judged one by one: a malformed or expired waiver never waives.

`check` and `waivers list` both judge waivers here, so they agree on which are malformed: a blank
or placeholder reason or approver (the placeholder rule the engine applies to evidence), or an
expiry that is not a date (a number such as 20270331 is not). Expiry is a UTC calendar day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, ValidationError

from govern.evidence.base import Record
from govern.evidence.filled import CalendarDate, FilledText, calendar_day
from govern.load.documents import SourceDocument

WaiverState = Literal["active", "expiring", "expired", "malformed"]


class Waiver(Record):
    rule: str = Field(min_length=1)
    reason: FilledText
    approved_by: FilledText
    expires: CalendarDate


@dataclass(frozen=True)
class WaiverEntry:
    """A waiver as written, where it is, and whether it can waive anything."""

    index: int
    rule: str | None
    waiver: Waiver | None
    problem: str | None
    line: int
    # What was written, kept so a malformed waiver still shows its reason, approver and expiry.
    given: dict[str, Any] = field(default_factory=dict)

    def state(self, as_of: dt.date, expiring_days: int = 30) -> WaiverState:
        if self.waiver is None:
            return "malformed"
        if self.waiver.expires < as_of:
            return "expired"
        if (self.waiver.expires - as_of).days <= expiring_days:
            return "expiring"
        return "active"

    def unknown_rule(self) -> WaiverEntry:
        """The same waiver judged unusable: it names no rule of the loaded packs."""
        problem = f"names no rule of the loaded packs ({self.rule!r}); it waives nothing"
        return dataclasses.replace(self, waiver=None, problem=problem)

    def given_text(self, key: str) -> str | None:
        value = self.given.get(key)
        return value if isinstance(value, str) and value.strip() else None

    def given_date(self) -> dt.date | None:
        try:
            return calendar_day(self.given.get("expires"))
        except ValueError:
            return None

    def valid_on(self, as_of: dt.date) -> bool:
        # The expiry day itself is still covered.
        return self.waiver is not None and self.waiver.expires >= as_of


def parse_waivers(raw: list[Any], manifest: SourceDocument) -> list[WaiverEntry]:
    entries = []
    for index, item in enumerate(raw):
        line = manifest.locate(("waivers", index)).line
        rule = item.get("rule") if isinstance(item, dict) else None
        rule = rule if isinstance(rule, str) else None
        if not isinstance(item, dict):
            entries.append(
                WaiverEntry(
                    index,
                    None,
                    None,
                    "a waiver is a mapping with rule, reason, approved_by and expires",
                    line,
                )
            )
            continue
        try:
            entries.append(WaiverEntry(index, rule, Waiver.model_validate(item), None, line, item))
        except ValidationError as exc:
            entries.append(WaiverEntry(index, rule, None, _describe(exc), line, item))
    return entries


def judge_waivers(
    raw: list[Any], manifest: SourceDocument, known_rules: Collection[str]
) -> list[WaiverEntry]:
    """The waivers as `check` judges them: one that names no loaded rule is malformed.

    `check` and `waivers list` both call this, so a misspelt rule id is never listed as active
    while the run ignores it.
    """
    return [
        entry.unknown_rule()
        if entry.waiver is not None and entry.rule not in known_rules
        else entry
        for entry in parse_waivers(raw, manifest)
    ]


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(p) for p in error["loc"]) or "waiver"
        if error["type"] == "missing":
            parts.append(f"{field} is missing")
        elif error["type"] == "extra_forbidden":
            parts.append(f"unknown field {field!r}")
        elif field == "expires":
            given = _excerpt(error.get("input"))
            parts.append(f"expires is not a valid date ({given}; write YYYY-MM-DD)")
        elif error["type"] == "value_error":
            parts.append(f"{field}: {error['msg'].removeprefix('Value error, ')}")
        else:
            parts.append(f"{field}: {error['msg']}")
    return "; ".join(parts)


def _excerpt(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
