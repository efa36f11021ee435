"""The base every input model shares: unknown keys are errors, models are immutable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A strict, immutable record: a misspelt key is reported, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Person(Record):
    name: str
    role: str | None = None
    email: str | None = None
