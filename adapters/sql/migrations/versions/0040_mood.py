"""mood: entries of happiness, focus and stress

Revision ID: 0040_mood
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision: str = "0040_mood"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("mood",)
depends_on: str | Sequence[str] | None = "0001_identity"


def upgrade() -> None:
    op.create_table(
        "mood_entries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("happiness", sa.SmallInteger(), nullable=False),
        sa.Column("focus", sa.SmallInteger(), nullable=False),
        sa.Column("stress", sa.SmallInteger(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "happiness BETWEEN 1 AND 5", name=op.f("ck_mood_entries_happiness_range")
        ),
        sa.CheckConstraint("focus BETWEEN 1 AND 5", name=op.f("ck_mood_entries_focus_range")),
        sa.CheckConstraint("stress BETWEEN 1 AND 5", name=op.f("ck_mood_entries_stress_range")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mood_entries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mood_entries")),
    )
    op.create_index("ix_mood_entries_user_day", "mood_entries", ["user_id", "local_date"])


def downgrade() -> None:
    op.drop_index("ix_mood_entries_user_day", table_name="mood_entries")
    op.drop_table("mood_entries")
