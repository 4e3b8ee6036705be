"""journal: collections, encrypted entries, encrypted gratitude

Revision ID: 0100_journal
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision: str = "0100_journal"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("journal",)
depends_on: str | Sequence[str] | None = "0001_identity"


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "journal_collections",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("kdf_salt", sa.LargeBinary(), nullable=True),
        sa.Column("kdf_memory_kib", sa.Integer(), nullable=True),
        sa.Column("kdf_time_cost", sa.Integer(), nullable=True),
        sa.Column("kdf_parallelism", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _user_fk("journal_collections"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_collections")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_journal_collections_user_id")),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("collection_id", sa.String(36), nullable=False),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("mood_entry_id", sa.String(36), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _user_fk("journal_entries"),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["journal_collections.id"],
            name=op.f("fk_journal_entries_collection_id_journal_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
    )
    op.create_index("ix_journal_entries_user_created", "journal_entries", ["user_id", "created_at"])
    op.create_index("ix_journal_entries_collection_id", "journal_entries", ["collection_id"])
    op.create_table(
        "journal_gratitude",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _user_fk("journal_gratitude"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_gratitude")),
    )
    op.create_index(
        "ix_journal_gratitude_user_on_date", "journal_gratitude", ["user_id", "on_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_journal_gratitude_user_on_date", table_name="journal_gratitude")
    op.drop_table("journal_gratitude")
    op.drop_index("ix_journal_entries_collection_id", table_name="journal_entries")
    op.drop_index("ix_journal_entries_user_created", table_name="journal_entries")
    op.drop_table("journal_entries")
    op.drop_table("journal_collections")
