"""journal: an entry's mood link points at one of its writer's mood entries, or nothing

Revision ID: 0101_journal_mood_link
Revises: 0100_journal
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0101_journal_mood_link"
down_revision: str | Sequence[str] | None = "0100_journal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0040_mood"

_FK = "fk_journal_entries_mood_entry_id_mood_entries"


def upgrade() -> None:
    # Links written before the check: to another user's mood entry, or to none at all.
    op.execute(
        """
        UPDATE journal_entries SET mood_entry_id = NULL
        WHERE mood_entry_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM mood_entries
            WHERE mood_entries.id = journal_entries.mood_entry_id
              AND mood_entries.user_id = journal_entries.user_id
        )
        """
    )
    with op.batch_alter_table("journal_entries") as batch:
        batch.create_foreign_key(
            op.f(_FK), "mood_entries", ["mood_entry_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("journal_entries") as batch:
        batch.drop_constraint(op.f(_FK), type_="foreignkey")
