from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from msgspec import Meta, Struct

from domains.breathing.model import (
    MAX_CYCLES,
    MAX_DURATION_SECONDS,
    BreathingSession,
    BreathingTotals,
    Technique,
)


class PhaseRead(Struct):
    kind: str
    seconds: float
    cue: str


class TechniqueRead(Struct):
    slug: str
    name: str
    summary: str
    description: str
    phases: list[PhaseRead]
    cycle_seconds: float
    suggested_cycles: int
    suggested_duration_seconds: int
    good_for: list[str]

    @classmethod
    def of(cls, t: Technique) -> TechniqueRead:
        return cls(
            slug=t.slug,
            name=t.name,
            summary=t.summary,
            description=t.description,
            phases=[PhaseRead(p.kind, p.seconds, p.cue) for p in t.phases],
            cycle_seconds=t.cycle_seconds,
            suggested_cycles=t.suggested_cycles,
            suggested_duration_seconds=t.suggested_duration_seconds,
            good_for=list(t.good_for),
        )


class BreathingSessionCreate(Struct, forbid_unknown_fields=True):
    technique: Annotated[str, Meta(max_length=40, examples=["box"])]
    cycles: Annotated[int, Meta(ge=1, le=MAX_CYCLES)]
    duration_seconds: Annotated[int, Meta(ge=1, le=MAX_DURATION_SECONDS)]


class BreathingSessionRead(Struct):
    id: str
    technique: str
    cycles: int
    duration_seconds: int
    completed_at: datetime
    local_date: date

    @classmethod
    def of(cls, s: BreathingSession) -> BreathingSessionRead:
        return cls(s.id, s.technique, s.cycles, s.duration_seconds, s.completed_at, s.local_date)


class TechniqueTotalRead(Struct):
    technique: str
    sessions: int
    cycles: int
    seconds: int


class DayTotalRead(Struct):
    date: date
    sessions: int
    cycles: int
    seconds: int


class BreathingStatsRead(Struct):
    start: date | None
    end: date | None
    sessions: int
    cycles: int
    seconds: int
    per_technique: list[TechniqueTotalRead]
    per_day: list[DayTotalRead]

    @classmethod
    def of(cls, t: BreathingTotals) -> BreathingStatsRead:
        return cls(
            start=t.start,
            end=t.end,
            sessions=t.sessions,
            cycles=t.cycles,
            seconds=t.seconds,
            per_technique=[
                TechniqueTotalRead(x.technique, x.sessions, x.cycles, x.seconds)
                for x in t.per_technique
            ],
            per_day=[DayTotalRead(d.date, d.sessions, d.cycles, d.seconds) for d in t.per_day],
        )
