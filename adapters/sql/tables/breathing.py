from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

breathing_sessions = Table(
    "breathing_sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("technique", String(40), nullable=False),
    Column("cycles", Integer, nullable=False),
    Column("duration_seconds", Integer, nullable=False),
    Column("completed_at", UtcDateTime, nullable=False),
    Column("local_date", Date, nullable=False),
    CheckConstraint("cycles > 0", name="cycles_positive"),
    CheckConstraint("duration_seconds > 0", name="duration_positive"),
    Index("ix_breathing_sessions_user_day", "user_id", "local_date"),
)
