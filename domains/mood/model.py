from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domains.shared.errors import InvalidInput

LOWEST, HIGHEST = 1, 5
MAX_NOTE_LENGTH = 500


@dataclass(slots=True)
class MoodEntry:
    id: str
    user_id: str
    happiness: int
    focus: int
    stress: int
    note: str
    recorded_at: datetime
    #: The user's calendar day when recorded, fixed then (a later zone change moves nothing).
    local_date: date


@dataclass(frozen=True, slots=True)
class DayMood:
    """The averages of one local day's entries."""

    date: date
    entries: int
    happiness: float
    focus: float
    stress: float


def check_score(value: int, field: str) -> int:
    if isinstance(value, bool) or not LOWEST <= value <= HIGHEST:
        raise InvalidInput(f"{field} is a score from {LOWEST} to {HIGHEST}", field=field)
    return value


def check_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"the note has at most {MAX_NOTE_LENGTH} characters", field="note")
    if any(ord(c) < 32 and c not in "\n\t" for c in note):
        raise InvalidInput("the note cannot contain control characters", field="note")
    return note
