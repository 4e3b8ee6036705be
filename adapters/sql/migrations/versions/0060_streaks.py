"""streaks: the app streak's active days and summary

Revision ID: 0060_streaks
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0060_streaks"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("streaks",)
depends_on: str | Sequence[str] | None = "0001_identity"


def upgrade() -> None:
    op.create_table(
        "app_streak_days",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_app_streak_days_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_app_streak_days")),
    )
    op.create_table(
        "app_streaks",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("last_run", sa.Integer(), nullable=False),
        sa.Column("longest", sa.Integer(), nullable=False),
        sa.Column("active_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_app_streaks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_app_streaks")),
    )


def downgrade() -> None:
    op.drop_table("app_streaks")
    op.drop_table("app_streak_days")
