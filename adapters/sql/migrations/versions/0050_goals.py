"""goals: goals, checklist items and history

Revision ID: 0050_goals
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision: str = "0050_goals"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("goals",)
depends_on: str | Sequence[str] | None = "0001_identity"


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False),
        sa.Column("horizon", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.CheckConstraint("progress >= 0", name=op.f("ck_goals_progress_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_goals_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    op.create_index("ix_goals_user_id", "goals", ["user_id"])
    op.create_table(
        "goal_items",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("goal_id", sa.String(36), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_items_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_items")),
    )
    op.create_index("ix_goal_items_goal_id", "goal_items", ["goal_id"])
    op.create_table(
        "goal_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("goal_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.id"],
            name=op.f("fk_goal_events_goal_id_goals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_goal_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_events")),
    )
    op.create_index("ix_goal_events_goal_at", "goal_events", ["goal_id", "at"])
    op.create_index("ix_goal_events_user_day", "goal_events", ["user_id", "local_date"])


def downgrade() -> None:
    op.drop_index("ix_goal_events_user_day", table_name="goal_events")
    op.drop_index("ix_goal_events_goal_at", table_name="goal_events")
    op.drop_table("goal_events")
    op.drop_index("ix_goal_items_goal_id", table_name="goal_items")
    op.drop_table("goal_items")
    op.drop_index("ix_goals_user_id", table_name="goals")
    op.drop_table("goals")
