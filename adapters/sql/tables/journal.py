"""Journal tables. Entry and gratitude text exists here only as AEAD ciphertext; what is in the
clear is what stats and ordering need (dates, word counts) and the collection names."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

journal_collections = Table(
    "journal_collections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    #: The data key wrapped by the server KEK, or by the argon2id key of the password.
    Column("wrapped_key", LargeBinary, nullable=False),
    #: All four NULL for a collection without a password.
    Column("kdf_salt", LargeBinary, nullable=True),
    Column("kdf_memory_kib", Integer, nullable=True),
    Column("kdf_time_cost", Integer, nullable=True),
    Column("kdf_parallelism", Integer, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_id", "name"),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column(
        "collection_id",
        String(36),
        ForeignKey("journal_collections.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("format_version", Integer, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("written_on", Date, nullable=False),
    #: Deleting the mood entry clears the link; the journal checks it is the writer's own.
    Column(
        "mood_entry_id",
        String(36),
        ForeignKey("mood_entries.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_journal_entries_user_created", "user_id", "created_at"),
    Index("ix_journal_entries_collection_id", "collection_id"),
)

journal_gratitude = Table(
    "journal_gratitude",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("format_version", Integer, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_journal_gratitude_user_on_date", "user_id", "on_date"),
)
