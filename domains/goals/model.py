from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from domains.shared.errors import InvalidInput

MAX_TITLE = 120
MAX_DESCRIPTION = 1000
MAX_ITEM_TEXT = 200
MAX_ITEMS = 100
MAX_COUNTER_TARGET = 1_000_000
MAX_GOALS = 500
#: A two-week goal covers the day it starts and the thirteen after it.
TWO_WEEKS = timedelta(days=13)
#: Long-term goals look years ahead, not centuries.
LONGEST_HORIZON = timedelta(days=366 * 10)


class Horizon(StrEnum):
    TWO_WEEK = "two_week"
    LONG_TERM = "long_term"


class Kind(StrEnum):
    PERCENTAGE = "percentage"
    COUNTER = "counter"
    CHECKLIST = "checklist"


class Status(StrEnum):
    ACTIVE = "active"
    OVERDUE = "overdue"
    COMPLETED = "completed"


@dataclass(slots=True)
class ChecklistItem:
    id: str
    text: str
    done: bool
    position: int


@dataclass(slots=True)
class Goal:
    id: str
    user_id: str
    title: str
    description: str
    horizon: Horizon
    kind: Kind
    #: 100 for a percentage, the count to reach for a counter, the item count for a checklist.
    target: int
    progress: int
    start_date: date
    due_date: date | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    #: The user's local day of completion, fixed then, for the calendar.
    completed_on: date | None = None
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def percent(self) -> float:
        if self.target <= 0:
            return 0.0
        return round(min(100.0, 100.0 * self.progress / self.target), 1)

    def status_on(self, today: date) -> Status:
        if self.completed_at is not None:
            return Status.COMPLETED
        if self.due_date is not None and self.due_date < today:
            return Status.OVERDUE
        return Status.ACTIVE


@dataclass(frozen=True, slots=True)
class GoalEvent:
    """One line of a goal's history."""

    id: str
    goal_id: str
    user_id: str
    kind: str
    value: int | None
    detail: str
    at: datetime
    local_date: date


def check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InvalidInput("the title cannot be empty", field="title")
    if len(title) > MAX_TITLE or any(ord(c) < 32 for c in title):
        raise InvalidInput(
            f"the title is one line of at most {MAX_TITLE} characters", field="title"
        )
    return title


def check_description(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(
            f"the description has at most {MAX_DESCRIPTION} characters", field="description"
        )
    return text


def check_item_text(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_ITEM_TEXT or any(ord(c) < 32 for c in text):
        raise InvalidInput(f"an item is one line of 1 to {MAX_ITEM_TEXT} characters", field="text")
    return text


def check_counter_target(target: int) -> int:
    if not 1 <= target <= MAX_COUNTER_TARGET:
        raise InvalidInput(
            f"a counter's target is between 1 and {MAX_COUNTER_TARGET}", field="target"
        )
    return target


def due_date_for(horizon: Horizon, start: date, requested: date | None) -> date | None:
    if horizon is Horizon.TWO_WEEK:
        if requested is not None and requested != start + TWO_WEEKS:
            raise InvalidInput("a two-week goal is due 13 days after it starts", field="due_date")
        return start + TWO_WEEKS
    if requested is None:
        return None
    if requested < start:
        raise InvalidInput("the due date is before the goal starts", field="due_date")
    if requested > start + LONGEST_HORIZON:
        raise InvalidInput("the due date is more than ten years away", field="due_date")
    return requested
