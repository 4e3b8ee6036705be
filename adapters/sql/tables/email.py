from __future__ import annotations

from sqlalchemy import Column, String, Table

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

# Keyed by address, not by account: people subscribe without signing up.
email_subscriptions = Table(
    "email_subscriptions",
    metadata,
    Column("email", String(254), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("confirmed_at", UtcDateTime, nullable=True),
    Column("unsubscribed_at", UtcDateTime, nullable=True),
)

email_suppressions = Table(
    "email_suppressions",
    metadata,
    Column("email", String(254), primary_key=True),
    Column("reason", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

email_deliveries = Table(
    "email_deliveries",
    metadata,
    Column("message_id", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("provider_id", String(255), nullable=True),
)
