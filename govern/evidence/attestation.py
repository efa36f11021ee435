"""Attestations: process controls no file can prove, stated by a named person on a date."""

from __future__ import annotations

from pydantic import Field

from govern.evidence.base import Person, Record
from govern.evidence.filled import CalendarDate


class Attestation(Record):
    control: str = Field(min_length=1, description="The id that attestation rules refer to.")
    statement: str = Field(min_length=1)
    attested_by: Person
    date: CalendarDate
    expires: CalendarDate | None = None
    evidence: str | None = Field(default=None, description="Where the underlying record is kept.")


class AttestationFile(Record):
    schema_version: int = 1
    attestations: list[Attestation] = []
