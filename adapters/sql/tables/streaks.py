from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table

from adapters.sql.tables.base import metadata

#: One row per user and active local day: the primary key is what makes a day count once.
app_streak_days = Table(
    "app_streak_days",
    metadata,
    Column(
        "user_id",
        String(36),
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("day", Date, primary_key=True),
    Column("actions", Integer, nullable=False, default=1),
)

app_streaks = Table(
    "app_streaks",
    metadata,
    Column(
        "user_id",
        String(36),
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("last_day", Date, nullable=True),
    Column("last_run", Integer, nullable=False, default=0),
    Column("longest", Integer, nullable=False, default=0),
    Column("active_days", Integer, nullable=False, default=0),
)
