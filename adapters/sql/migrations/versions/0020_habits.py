"""habits: habits and their done days

Revision ID: 0020_habits
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision: str = "0020_habits"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("habits",)
depends_on: str | Sequence[str] | None = "0001_identity"


def upgrade() -> None:
    op.create_table(
        "habits",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(400), nullable=False),
        sa.Column("schedule_kind", sa.String(16), nullable=False),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("times_per_week", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("favourite", sa.Boolean(), nullable=False),
        sa.Column("completions", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_habits_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_habits")),
        sa.UniqueConstraint("user_id", "name_key", name="uq_habits_user_id_name_key"),
    )
    op.create_table(
        "habit_marks",
        sa.Column("habit_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("marked_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["habit_id"],
            ["habits.id"],
            name=op.f("fk_habit_marks_habit_id_habits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_habit_marks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("habit_id", "day", name="pk_habit_marks"),
    )
    op.create_index("ix_habit_marks_user_id", "habit_marks", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_habit_marks_user_id", table_name="habit_marks")
    op.drop_table("habit_marks")
    op.drop_table("habits")
