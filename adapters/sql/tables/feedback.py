from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

feedback = Table(
    "feedback",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("category", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("contact", String(254), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

features = Table(
    "features",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("votes", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(36), ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Index("ix_features_created_by", "created_by"),
)

# The primary key is the one-vote-per-user rule: a second insert fails, whatever the race.
feature_votes = Table(
    "feature_votes",
    metadata,
    Column(
        "feature_id",
        String(36),
        ForeignKey("features.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_feature_votes_user_id", "user_id"),
)
