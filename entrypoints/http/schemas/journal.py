from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from domains.journal.model import (
    MAX_COLLECTION_NAME,
    MAX_COLLECTION_PASSWORD,
    MAX_GRATITUDE,
    MAX_TAG,
    MAX_TAGS,
    MAX_TITLE,
    MIN_COLLECTION_PASSWORD,
    Collection,
    Entry,
    Gratitude,
    Stats,
)

# The domain's own bounds, so the document states what the server checks.
Name = Annotated[str, Meta(min_length=1, max_length=MAX_COLLECTION_NAME)]
Password = Annotated[str, Meta(min_length=1, max_length=MAX_COLLECTION_PASSWORD)]
NewPassword = Annotated[
    str, Meta(min_length=MIN_COLLECTION_PASSWORD, max_length=MAX_COLLECTION_PASSWORD)
]
Id = Annotated[str, Meta(min_length=1, max_length=64)]
Title = Annotated[str, Meta(max_length=MAX_TITLE)]
Tags = Annotated[
    list[Annotated[str, Meta(min_length=1, max_length=MAX_TAG)]], Meta(max_length=MAX_TAGS)
]
Delta = Annotated[
    dict[str, Any],
    Meta(
        description='A Quill delta document: {"ops": [{"insert": "text\\n"}]}',
        # Any members: generated clients must not read a bare object as an empty one.
        extra_json_schema={"additionalProperties": True},
    ),
]


class CollectionCreate(Struct, forbid_unknown_fields=True):
    name: Name
    #: Protects the collection: its entries can then only be read after an unlock.
    password: NewPassword | None = None


class CollectionUpdate(Struct, forbid_unknown_fields=True):
    name: Name


class CollectionPasswordChange(Struct, forbid_unknown_fields=True):
    """Set (no current password), change (both), or remove (no new password)."""

    current_password: Password | None = None
    new_password: NewPassword | None = None


class UnlockRequest(Struct, forbid_unknown_fields=True):
    password: Password


class GrantRead(Struct):
    """Send `grant` in the X-Journal-Grant header (comma-separate several) to read the
    collection for `expires_in` seconds."""

    grant: str
    collection_id: str
    expires_in: int
    header: str = "X-Journal-Grant"


class CollectionRead(Struct):
    id: str
    name: str
    protected: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: Collection) -> CollectionRead:
        return cls(c.id, c.name, c.protected, c.created_at, c.updated_at)


class EntryCreate(Struct, forbid_unknown_fields=True):
    collection_id: Id
    content: Delta
    title: Title = ""
    tags: Tags = []
    mood_entry_id: Id | None = None


class EntryUpdate(Struct, forbid_unknown_fields=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    content: Delta | msgspec.UnsetType = msgspec.UNSET
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
    #: Moves the entry (it is sealed anew under the other collection's key).
    collection_id: Id | msgspec.UnsetType = msgspec.UNSET
    #: null clears the link.
    mood_entry_id: Id | msgspec.UnsetType | None = msgspec.UNSET


class EntryRead(Struct):
    id: str
    collection_id: str
    title: str
    content: dict[str, Any]
    tags: list[str]
    mood_entry_id: str | None
    word_count: int
    written_on: date
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, e: Entry) -> EntryRead:
        return cls(
            e.id,
            e.collection_id,
            e.title,
            e.content,
            e.tags,
            e.mood_entry_id,
            e.word_count,
            e.written_on,
            e.created_at,
            e.updated_at,
        )


class EntryPage(Struct):
    items: list[EntryRead]
    #: How many the user may read now in all (protected collections count only when unlocked).
    total: int


class GratitudeCreate(Struct, forbid_unknown_fields=True):
    text: Annotated[str, Meta(min_length=1, max_length=MAX_GRATITUDE)]
    #: The user's local date; today when omitted.
    on_date: date | None = None


class GratitudeRead(Struct):
    id: str
    on_date: date
    text: str
    created_at: datetime

    @classmethod
    def of(cls, g: Gratitude) -> GratitudeRead:
        return cls(g.id, g.on_date, g.text, g.created_at)


class GratitudePage(Struct):
    items: list[GratitudeRead]
    total: int


class StatsRead(Struct):
    entries: int
    words: int
    per_month: dict[str, int]
    current_streak: int
    longest_streak: int
    gratitude_entries: int

    @classmethod
    def of(cls, s: Stats) -> StatsRead:
        return cls(
            s.entries,
            s.words,
            s.per_month,
            s.current_streak,
            s.longest_streak,
            s.gratitude_entries,
        )
