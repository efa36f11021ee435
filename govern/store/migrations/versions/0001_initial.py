"""The first ledger schema: systems, hash-chained assessments, their child rows, the chain head.

Revision ID: 0001
Revises:
Create Date: 2026-06-01

Frozen: later schema changes get a new revision; this one must create exactly what 0.1 created.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def _child(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("assessment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["assessment_id"], ["govern_assessments.id"]),
        sa.PrimaryKeyConstraint("assessment_id", "position"),
    )


def upgrade() -> None:
    op.create_table(
        "govern_systems",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("first_recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "govern_assessments",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("system_id", sa.String(), nullable=False),
        sa.Column("system_name", sa.String(), nullable=False),
        sa.Column("system_version", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("tool_version", sa.String(), nullable=False),
        sa.Column("row_format", sa.Integer(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("document_sha256", sa.String(), nullable=False),
        sa.Column("findings_sha256", sa.String(), nullable=False),
        sa.Column("evidence_sha256", sa.String(), nullable=False),
        sa.Column("waivers_sha256", sa.String(), nullable=False),
        sa.Column("fairness_sha256", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("chain_hash", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["system_id"], ["govern_systems.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prev_hash"),
        sa.UniqueConstraint("chain_hash"),
    )
    op.create_index("ix_govern_assessments_system_run", "govern_assessments", ["system_id", "id"])
    _child(
        "govern_findings",
        sa.Column("rule_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("blocking", sa.Boolean(), nullable=False),
        sa.Column("gating", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("file", sa.String(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(), nullable=True),
    )
    _child(
        "govern_evidence",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
    )
    _child(
        "govern_waivers",
        sa.Column("rule", sa.String(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.String(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("applied", sa.Boolean(), nullable=False),
    )
    _child(
        "govern_fairness",
        sa.Column("report", sa.String(), nullable=False),
        sa.Column("feature", sa.String(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("lower", sa.Float(), nullable=True),
        sa.Column("upper", sa.Float(), nullable=True),
    )
    head = op.create_table(
        "govern_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("chain_hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(head, [{"id": 1, "run_id": 0, "chain_hash": GENESIS}])


def downgrade() -> None:
    raise RuntimeError("a govern ledger is never downgraded: that would drop recorded assessments")
