from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domains.shared.errors import InvalidInput

MAX_CYCLES = 1000
#: Four hours: longer than any guided session, short enough to catch a client's unit mistake.
MAX_DURATION_SECONDS = 4 * 3600
#: Ranges a person asks about: a year at a time, and nothing before the product existed.


@dataclass(frozen=True, slots=True)
class Phase:
    """One step of a breath the client animates: `kind` is inhale, hold or exhale."""

    kind: str
    seconds: float
    cue: str


@dataclass(frozen=True, slots=True)
class Technique:
    slug: str
    name: str
    summary: str
    description: str
    phases: tuple[Phase, ...]
    suggested_cycles: int
    good_for: tuple[str, ...]

    @property
    def cycle_seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    @property
    def suggested_duration_seconds(self) -> int:
        return round(self.cycle_seconds * self.suggested_cycles)


@dataclass(slots=True)
class BreathingSession:
    id: str
    user_id: str
    technique: str
    cycles: int
    duration_seconds: int
    completed_at: datetime
    #: The user's calendar day when it was completed, fixed then: moving zones later does not
    #: move past sessions to another day.
    local_date: date


@dataclass(frozen=True, slots=True)
class TechniqueTotal:
    technique: str
    sessions: int
    cycles: int
    seconds: int


@dataclass(frozen=True, slots=True)
class DayTotal:
    date: date
    sessions: int
    cycles: int
    seconds: int


@dataclass(frozen=True, slots=True)
class BreathingTotals:
    start: date | None
    end: date | None
    sessions: int
    cycles: int
    seconds: int
    per_technique: tuple[TechniqueTotal, ...]
    per_day: tuple[DayTotal, ...]


def check_session(cycles: int, duration_seconds: int) -> None:
    if not 1 <= cycles <= MAX_CYCLES:
        raise InvalidInput(f"cycles must be between 1 and {MAX_CYCLES}", field="cycles")
    if not 1 <= duration_seconds <= MAX_DURATION_SECONDS:
        raise InvalidInput(
            f"duration_seconds must be between 1 and {MAX_DURATION_SECONDS}",
            field="duration_seconds",
        )
