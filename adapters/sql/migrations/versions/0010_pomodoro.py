"""pomodoro: settings, sessions and per-day totals

Revision ID: 0010_pomodoro
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision: str = "0010_pomodoro"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("pomodoro",)
depends_on: str | Sequence[str] | None = "0001_identity"


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "pomodoro_settings",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("focus_minutes", sa.Integer(), nullable=False),
        sa.Column("short_break_minutes", sa.Integer(), nullable=False),
        sa.Column("long_break_minutes", sa.Integer(), nullable=False),
        sa.Column("long_break_every", sa.Integer(), nullable=False),
        sa.Column("auto_start_breaks", sa.Boolean(), nullable=False),
        sa.Column("auto_start_focus", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _user_fk("pomodoro_settings"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_pomodoro_settings")),
    )
    op.create_table(
        "pomodoro_sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("planned_seconds", sa.Integer(), nullable=False),
        sa.Column("actual_seconds", sa.Integer(), nullable=True),
        sa.Column("tasks_done", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        sa.Column("local_date", sa.Date(), nullable=True),
        _user_fk("pomodoro_sessions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pomodoro_sessions")),
    )
    op.create_index(
        "ix_pomodoro_sessions_user_id_started_at", "pomodoro_sessions", ["user_id", "started_at"]
    )
    op.create_index(
        "ix_pomodoro_sessions_user_id_status", "pomodoro_sessions", ["user_id", "status"]
    )
    op.create_table(
        "pomodoro_daily",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("focus_seconds", sa.Integer(), nullable=False),
        sa.Column("focus_sessions", sa.Integer(), nullable=False),
        sa.Column("break_sessions", sa.Integer(), nullable=False),
        sa.Column("tasks_done", sa.Integer(), nullable=False),
        _user_fk("pomodoro_daily"),
        sa.PrimaryKeyConstraint("user_id", "day", name="pk_pomodoro_daily"),
    )


def downgrade() -> None:
    op.drop_table("pomodoro_daily")
    op.drop_index("ix_pomodoro_sessions_user_id_status", table_name="pomodoro_sessions")
    op.drop_index("ix_pomodoro_sessions_user_id_started_at", table_name="pomodoro_sessions")
    op.drop_table("pomodoro_sessions")
    op.drop_table("pomodoro_settings")
