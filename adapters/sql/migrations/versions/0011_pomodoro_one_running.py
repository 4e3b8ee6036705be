"""pomodoro: at most one running session per user

Revision ID: 0011_pomodoro_one_running
Revises: 0010_pomodoro
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_pomodoro_one_running"
down_revision: str | Sequence[str] | None = "0010_pomodoro"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    # Parallel starts could leave several sessions running: all but the newest are abandoned,
    # as the next start would have done, so the index can be built.
    op.execute(
        """
        UPDATE pomodoro_sessions
        SET status = 'abandoned', ended_at = started_at, actual_seconds = 0
        WHERE status = 'running' AND EXISTS (
            SELECT 1 FROM pomodoro_sessions AS newer
            WHERE newer.user_id = pomodoro_sessions.user_id
              AND newer.status = 'running'
              AND (newer.started_at > pomodoro_sessions.started_at
                   OR (newer.started_at = pomodoro_sessions.started_at
                       AND newer.id > pomodoro_sessions.id))
        )
        """
    )
    op.create_index(
        "uq_pomodoro_sessions_one_running",
        "pomodoro_sessions",
        ["user_id"],
        unique=True,
        postgresql_where=_RUNNING,
        sqlite_where=_RUNNING,
    )


def downgrade() -> None:
    op.drop_index("uq_pomodoro_sessions_one_running", table_name="pomodoro_sessions")
