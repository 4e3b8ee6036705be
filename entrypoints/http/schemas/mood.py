from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

from domains.mood.model import HIGHEST, LOWEST, MAX_NOTE_LENGTH, DayMood, MoodEntry
from entrypoints.http.schemas.unset import changes

Score = Annotated[
    int,
    Meta(ge=LOWEST, le=HIGHEST, description=f"{LOWEST} (low) to {HIGHEST} (high)", examples=[4]),
]
Note = Annotated[str, Meta(max_length=MAX_NOTE_LENGTH)]


class MoodEntryCreate(Struct, forbid_unknown_fields=True):
    happiness: Score
    focus: Score
    stress: Score
    note: Note = ""


class MoodEntryUpdate(Struct, forbid_unknown_fields=True):
    happiness: Score | msgspec.UnsetType = msgspec.UNSET
    focus: Score | msgspec.UnsetType = msgspec.UNSET
    stress: Score | msgspec.UnsetType = msgspec.UNSET
    note: Note | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, object]:
        return changes(self)


class MoodEntryRead(Struct):
    id: str
    happiness: int
    focus: int
    stress: int
    note: str
    recorded_at: datetime
    local_date: date

    @classmethod
    def of(cls, e: MoodEntry) -> MoodEntryRead:
        return cls(e.id, e.happiness, e.focus, e.stress, e.note, e.recorded_at, e.local_date)


class DayMoodRead(Struct):
    date: date
    entries: int
    happiness: float
    focus: float
    stress: float

    @classmethod
    def of(cls, d: DayMood) -> DayMoodRead:
        return cls(d.date, d.entries, d.happiness, d.focus, d.stress)
