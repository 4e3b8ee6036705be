"""email: newsletter subscriptions, suppressions and the delivery log

Revision ID: 0200_email
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision: str = "0200_email"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("email",)
depends_on: str | Sequence[str] | None = "0001_identity"


def upgrade() -> None:
    op.create_table(
        "email_subscriptions",
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("confirmed_at", UtcDateTime(), nullable=True),
        sa.Column("unsubscribed_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_email_subscriptions")),
    )
    op.create_table(
        "email_suppressions",
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_email_suppressions")),
    )
    op.create_table(
        "email_deliveries",
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_at", UtcDateTime(), nullable=False),
        sa.Column("lease_until", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("provider_id", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_email_deliveries")),
    )


def downgrade() -> None:
    op.drop_table("email_deliveries")
    op.drop_table("email_suppressions")
    op.drop_table("email_subscriptions")
