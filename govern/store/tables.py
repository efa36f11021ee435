"""The ledger's tables: systems, hash-chained assessments and the rows each assessment brings."""

# Every table is prefixed `govern_` so a ledger can share a Postgres schema with other applications.
# Child rows are keyed by (assessment_id, position): no sequences, no gaps that look like deletes.
# The migrations in migrations/versions/ create exactly these tables; a test compares the two.

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, Text
from sqlmodel import Field, SQLModel

metadata: MetaData = SQLModel.metadata
PARENT = "govern_assessments.id"


def _parent_key() -> Column[int]:
    return Column(Integer, ForeignKey(PARENT), primary_key=True, autoincrement=False)


class SystemRow(SQLModel, table=True):
    """An AI system, created the first time one of its assessments is recorded."""

    __tablename__ = "govern_systems"

    id: str = Field(primary_key=True)
    name: str
    first_recorded_at: dt.datetime = Field(sa_type=DateTime(timezone=True))


class AssessmentRow(SQLModel, table=True):
    """One recorded assessment: its facts, its compressed document, and its chain links.

    Row format 1 keeps the whole canonical JSON in `document`; format 2 keeps the skeleton there
    and names its shared parts, stored once in govern_blobs, in `parts`.

    `id` is the run id and the position in the chain; it is assigned under the chain-head lock.
    """

    __tablename__ = "govern_assessments"
    __table_args__ = (Index("ix_govern_assessments_system_run", "system_id", "id"),)

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    system_id: str = Field(foreign_key="govern_systems.id")
    system_name: str
    system_version: str
    recorded_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    as_of: dt.date
    verdict: str
    tool_version: str
    row_format: int
    document: bytes = Field(sa_type=LargeBinary)
    document_sha256: str
    # Row format 2: the key of each shared part of the document (canonical JSON), see parts.py.
    parts: str | None = Field(default=None, sa_type=Text)
    findings_sha256: str
    evidence_sha256: str
    waivers_sha256: str
    fairness_sha256: str
    digest: str
    prev_hash: str = Field(unique=True)
    chain_hash: str = Field(unique=True)


class FindingRow(SQLModel, table=True):
    """A rule result that is not a plain pass: failed, errored, waived or awaiting attestation."""

    __tablename__ = "govern_findings"

    assessment_id: int = Field(sa_column=_parent_key())
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    rule_id: str
    status: str
    severity: str
    blocking: bool
    gating: bool
    message: str = Field(sa_type=Text)
    file: str | None = None
    line: int | None = None
    field: str | None = None


class EvidenceRow(SQLModel, table=True):
    """The digest of one file the assessment read: the manifest and each evidence file."""

    __tablename__ = "govern_evidence"

    assessment_id: int = Field(sa_column=_parent_key())
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str
    path: str
    sha256: str
    bytes: int


class WaiverRow(SQLModel, table=True):
    """A waiver in govern.yaml as judged on the assessment date, and whether it waived a rule."""

    __tablename__ = "govern_waivers"

    assessment_id: int = Field(sa_column=_parent_key())
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    rule: str | None = None
    state: str
    expires: dt.date | None = None
    approved_by: str | None = None
    reason: str | None = Field(default=None, sa_type=Text)
    applied: bool


class FairnessRow(SQLModel, table=True):
    """One disparity of one feature in one fairness report, with its interval when bootstrapped."""

    __tablename__ = "govern_fairness"

    assessment_id: int = Field(sa_column=_parent_key())
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    report: str
    feature: str
    metric: str
    method: str
    value: float | None = None
    lower: float | None = None
    upper: float | None = None


class BlobRow(SQLModel, table=True):
    """A part of one or more recorded assessments, compressed, keyed by the sha256 of its bytes.

    Written once, read by every run whose `parts` name it; never updated or deleted.
    """

    __tablename__ = "govern_blobs"

    sha256: str = Field(primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)


class ChainHeadRow(SQLModel, table=True):
    """The last run appended. Appends lock this row; verify compares it with the last row.

    It is the only row govern ever updates: it points at history, it is not history.
    """

    __tablename__ = "govern_chain_head"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    run_id: int
    chain_hash: str


CHILD_TABLES: dict[str, type[SQLModel]] = {
    "findings": FindingRow,
    "evidence": EvidenceRow,
    "waivers": WaiverRow,
    "fairness": FairnessRow,
}
