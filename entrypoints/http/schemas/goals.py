from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from domains.goals.model import (
    MAX_COUNTER_TARGET,
    MAX_DESCRIPTION,
    MAX_ITEM_TEXT,
    MAX_ITEMS,
    MAX_TITLE,
    Goal,
    GoalEvent,
)

Title = Annotated[str, Meta(min_length=1, max_length=MAX_TITLE)]
Description = Annotated[str, Meta(max_length=MAX_DESCRIPTION)]
ItemText = Annotated[str, Meta(min_length=1, max_length=MAX_ITEM_TEXT)]
Target = Annotated[int, Meta(ge=1, le=MAX_COUNTER_TARGET)]


class GoalCreate(Struct, forbid_unknown_fields=True):
    title: Title
    horizon: Literal["two_week", "long_term"]
    kind: Literal["percentage", "counter", "checklist"]
    description: Description = ""
    target: Target | None = None
    items: Annotated[list[ItemText], Meta(max_length=MAX_ITEMS)] = []
    due_date: date | None = None


class GoalUpdate(Struct, forbid_unknown_fields=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    target: Target | msgspec.UnsetType = msgspec.UNSET
    #: null removes a long-term goal's due date.
    due_date: date | msgspec.UnsetType | None = msgspec.UNSET


class ProgressUpdate(Struct, forbid_unknown_fields=True):
    """Either `value` (set) or `delta` (add; may be negative)."""

    value: int | None = None
    delta: int | None = None


class ItemCreate(Struct, forbid_unknown_fields=True):
    text: ItemText


class ItemUpdate(Struct, forbid_unknown_fields=True):
    text: ItemText | None = None
    done: bool | None = None


class ItemRead(Struct):
    id: str
    text: str
    done: bool


class GoalRead(Struct):
    id: str
    title: str
    description: str
    horizon: str
    kind: str
    target: int
    progress: int
    percent: float
    status: str
    start_date: date
    due_date: date | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    items: list[ItemRead]

    @classmethod
    def of(cls, g: Goal, today: date) -> GoalRead:
        return cls(
            id=g.id,
            title=g.title,
            description=g.description,
            horizon=g.horizon.value,
            kind=g.kind.value,
            target=g.target,
            progress=g.progress,
            percent=g.percent,
            status=g.status_on(today).value,
            start_date=g.start_date,
            due_date=g.due_date,
            created_at=g.created_at,
            updated_at=g.updated_at,
            completed_at=g.completed_at,
            items=[ItemRead(i.id, i.text, i.done) for i in g.items],
        )


class GoalEventRead(Struct):
    id: str
    kind: str
    value: int | None
    detail: str
    at: datetime
    local_date: date

    @classmethod
    def of(cls, e: GoalEvent) -> GoalEventRead:
        return cls(e.id, e.kind, e.value, e.detail, e.at, e.local_date)
