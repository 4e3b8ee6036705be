from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("email_verified", Boolean, nullable=False, default=False),
    Column("password_hash", String(255), nullable=True),
    Column("google_subject", String(255), nullable=True, unique=True),
    Column("display_name", String(80), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("refresh_jti", String(36), nullable=False),
    Column("generation", Integer, nullable=False, default=0),
    Column("remember_me", Boolean, nullable=False, default=False),
    Column("user_agent", String(255), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revoked_reason", String(40), nullable=True),
    Index("ix_sessions_user_id", "user_id"),
    Index("ix_sessions_revoked_at", "revoked_at"),
)
