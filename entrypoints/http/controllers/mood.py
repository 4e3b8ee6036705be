"""Mood over HTTP: entries and per-day averages on the user's local days."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from domains.identity.model import Principal
from domains.mood.use_cases import MoodService
from domains.shared.errors import NotFound
from domains.shared.ids import is_id
from entrypoints.http.openapi import responses
from entrypoints.http.schemas.mood import (
    DayMoodRead,
    MoodEntryCreate,
    MoodEntryRead,
    MoodEntryUpdate,
)

Mood = NamedDependency[MoodService]
CurrentUser = NamedDependency[Principal]
EntryId = Annotated[str, PathParameter(max_length=64, format="uuid")]
FirstDay = Annotated[date | None, QueryParameter(name="from", description="first local day")]
LastDay = Annotated[date | None, QueryParameter(name="to", description="last local day")]


def _entry_id(value: str) -> str:
    if not is_id(value):
        raise NotFound("no such mood entry")
    return value


class MoodController(Controller):
    path = "/mood"
    tags = ["mood"]

    @post(
        "/entries", operation_id="recordMood", status_code=201, responses=responses(401, 403, 422)
    )
    async def record(
        self, data: JSONBody[MoodEntryCreate], mood: Mood, principal: CurrentUser
    ) -> MoodEntryRead:
        """Happiness, focus and stress from 1 to 5, as often as you like. Counts toward the app
        streak."""
        entry = await mood.record(
            principal.user_id,
            happiness=data.happiness,
            focus=data.focus,
            stress=data.stress,
            note=data.note,
        )
        return MoodEntryRead.of(entry)

    @get("/entries", operation_id="listMoodEntries", responses=responses(401, 422))
    async def entries(
        self, mood: Mood, principal: CurrentUser, first: FirstDay = None, last: LastDay = None
    ) -> list[MoodEntryRead]:
        """Today's entries, or those of the local days from..to (at most 366 days)."""
        return [MoodEntryRead.of(e) for e in await mood.entries(principal.user_id, first, last)]

    @get("/entries/{entry_id:str}", operation_id="getMoodEntry", responses=responses(401, 404))
    async def entry(self, mood: Mood, principal: CurrentUser, entry_id: EntryId) -> MoodEntryRead:
        """One mood entry."""
        return MoodEntryRead.of(await mood.entry(principal.user_id, _entry_id(entry_id)))

    @patch(
        "/entries/{entry_id:str}",
        operation_id="correctMoodEntry",
        responses=responses(401, 403, 404, 422),
    )
    async def correct(
        self,
        data: JSONBody[MoodEntryUpdate],
        mood: Mood,
        principal: CurrentUser,
        entry_id: EntryId,
    ) -> MoodEntryRead:
        """Correct the scores or the note; the entry stays on the day it was recorded."""
        changes: dict[str, Any] = data.changes()
        entry = await mood.correct(principal.user_id, _entry_id(entry_id), **changes)
        return MoodEntryRead.of(entry)

    @delete(
        "/entries/{entry_id:str}",
        operation_id="deleteMoodEntry",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403, 404),
    )
    async def delete_entry(self, mood: Mood, principal: CurrentUser, entry_id: EntryId) -> None:
        """Delete a mood entry."""
        await mood.delete(principal.user_id, _entry_id(entry_id))

    @get("/days", operation_id="listMoodDays", responses=responses(401, 422))
    async def days(
        self, mood: Mood, principal: CurrentUser, first: FirstDay = None, last: LastDay = None
    ) -> list[DayMoodRead]:
        """Averages per local day that has entries, oldest first."""
        return [DayMoodRead.of(d) for d in await mood.days(principal.user_id, first, last)]
