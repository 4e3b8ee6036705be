from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

#: Day 0 of the schedule. Any fixed date works; changing it reshuffles every day.
EPOCH = date(2000, 1, 3)  # a Monday, so weeks count from it too
#: How far back a day's content can be asked for.
HISTORY_DAYS = 366


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    text: str
    author: str


@dataclass(frozen=True, slots=True)
class Word:
    id: str
    word: str
    part_of_speech: str
    meaning: str
    example: str


@dataclass(frozen=True, slots=True)
class Prompt:
    id: str
    text: str
    category: str


@dataclass(frozen=True, slots=True)
class MindFuel:
    id: str
    title: str
    text: str
    category: str


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    title: str
    description: str
    practices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DailyContent:
    date: date
    #: ISO week of the theme, e.g. "2026-W48".
    week: str
    quote: Quote
    word: Word
    prompt: Prompt
    mind_fuel: MindFuel
    theme: Theme
    #: When this content is replaced: the next midnight UTC.
    expires_at: datetime


T = TypeVar("T")


def pick(items: Sequence[T], kind: str, index: int) -> T:
    """The item for period `index`: a fixed shuffle of the whole set per cycle, so nothing
    repeats until every item has had its day, and every server picks the same one."""
    if not items:
        raise ValueError(f"no {kind} content to choose from")
    cycle, position = divmod(index, len(items))
    order = list(range(len(items)))
    random.Random(f"{kind}:{cycle}").shuffle(order)  # a schedule, not a secret
    return items[order[position]]


def day_index(day: date) -> int:
    return (day - EPOCH).days


def week_index(day: date) -> int:
    return (day - EPOCH).days // 7


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def next_midnight_utc(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
