"""study: decks, cards with FSRS state, review log, settings

Revision ID: 0110_study
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision: str = "0110_study"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("study",)
depends_on: str | Sequence[str] | None = "0001_identity"


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "study_decks",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _user_fk("study_decks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_decks")),
    )
    op.create_index("ix_study_decks_user_id", "study_decks", ["user_id"])
    op.create_table(
        "study_cards",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("deck_id", sa.String(36), nullable=False),
        sa.Column("front", sa.Text(), nullable=False),
        sa.Column("back", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due", UtcDateTime(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("last_review", UtcDateTime(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _user_fk("study_cards"),
        sa.ForeignKeyConstraint(
            ["deck_id"],
            ["study_decks.id"],
            name=op.f("fk_study_cards_deck_id_study_decks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_cards")),
    )
    op.create_index("ix_study_cards_deck_state_due", "study_cards", ["deck_id", "state", "due"])
    op.create_index("ix_study_cards_user_id", "study_cards", ["user_id"])
    op.create_table(
        "study_reviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("card_id", sa.String(36), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", UtcDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("state_before", sa.String(16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        _user_fk("study_reviews"),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["study_cards.id"],
            name=op.f("fk_study_reviews_card_id_study_cards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_reviews")),
    )
    op.create_index(
        "ix_study_reviews_user_reviewed_at", "study_reviews", ["user_id", "reviewed_at"]
    )
    op.create_index("ix_study_reviews_card_id", "study_reviews", ["card_id"])
    op.create_table(
        "study_settings",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("desired_retention", sa.Float(), nullable=False),
        sa.Column("new_cards_per_day", sa.Integer(), nullable=False),
        _user_fk("study_settings"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_study_settings")),
    )


def downgrade() -> None:
    op.drop_table("study_settings")
    op.drop_index("ix_study_reviews_card_id", table_name="study_reviews")
    op.drop_index("ix_study_reviews_user_reviewed_at", table_name="study_reviews")
    op.drop_table("study_reviews")
    op.drop_index("ix_study_cards_user_id", table_name="study_cards")
    op.drop_index("ix_study_cards_deck_state_due", table_name="study_cards")
    op.drop_table("study_cards")
    op.drop_index("ix_study_decks_user_id", table_name="study_decks")
    op.drop_table("study_decks")
