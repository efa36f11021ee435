"""Content-addressed parts: the govern_blobs table and the `parts` column of row format 2.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

Only adds: rows recorded before keep row format 1 (their whole document in `document`, `parts`
NULL) and their digests, so the chain verifies as it did.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "govern_blobs",
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    with op.batch_alter_table("govern_assessments") as batch:
        batch.add_column(sa.Column("parts", sa.Text(), nullable=True))


def downgrade() -> None:
    raise RuntimeError("a govern ledger is never downgraded: that would drop recorded assessments")
