"""breathing: completed sessions

Revision ID: 0030_breathing
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision: str = "0030_breathing"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("breathing",)
depends_on: str | Sequence[str] | None = "0001_identity"


def upgrade() -> None:
    op.create_table(
        "breathing_sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("technique", sa.String(40), nullable=False),
        sa.Column("cycles", sa.Integer(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.CheckConstraint("cycles > 0", name=op.f("ck_breathing_sessions_cycles_positive")),
        sa.CheckConstraint(
            "duration_seconds > 0", name=op.f("ck_breathing_sessions_duration_positive")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_breathing_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breathing_sessions")),
    )
    op.create_index(
        "ix_breathing_sessions_user_day", "breathing_sessions", ["user_id", "local_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_breathing_sessions_user_day", table_name="breathing_sessions")
    op.drop_table("breathing_sessions")
