"""Implementations of the calendar's ports over the other domains' services: each turns one
domain's view of a local day into the JSON-compatible summary the day view shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domains.breathing.use_cases import BreathingService
from domains.daily.use_cases import DailyContentService
from domains.goals.model import Goal
from domains.goals.use_cases import GoalsService
from domains.habits.use_cases import HabitsService
from domains.mood.use_cases import MoodService
from domains.pomodoro.use_cases import PomodoroService
from domains.streaks.use_cases import StreakService


@dataclass
class MoodSection:
    mood: MoodService
    name: str = "mood"

    async def on(self, user_id: str, day: date) -> Any:
        entries = await self.mood.entries(user_id, day, day)
        days = await self.mood.days(user_id, day, day)
        average = days[0] if days else None
        return {
            "entries": [
                {
                    "id": e.id,
                    "happiness": e.happiness,
                    "focus": e.focus,
                    "stress": e.stress,
                    "note": e.note,
                    "recorded_at": e.recorded_at.isoformat(),
                }
                for e in entries
            ],
            "average": None
            if average is None
            else {
                "happiness": average.happiness,
                "focus": average.focus,
                "stress": average.stress,
            },
        }

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        return {
            d.date: {
                "entries": d.entries,
                "happiness": d.happiness,
                "focus": d.focus,
                "stress": d.stress,
            }
            for d in await self.mood.days(user_id, start, end)
        }


@dataclass
class BreathingSection:
    breathing: BreathingService
    name: str = "breathing"

    async def on(self, user_id: str, day: date) -> Any:
        totals = await self.breathing.totals(user_id, day, day)
        return {
            "sessions": totals.sessions,
            "cycles": totals.cycles,
            "seconds": totals.seconds,
            "techniques": [t.technique for t in totals.per_technique],
        }

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        totals = await self.breathing.totals(user_id, start, end)
        return {d.date: {"sessions": d.sessions, "seconds": d.seconds} for d in totals.per_day}


def _goal_summary(goal: Goal, day: date) -> dict[str, Any]:
    return {
        "id": goal.id,
        "title": goal.title,
        "horizon": goal.horizon.value,
        "kind": goal.kind.value,
        "progress": goal.progress,
        "target": goal.target,
        "percent": goal.percent,
        "due_date": goal.due_date.isoformat() if goal.due_date else None,
        "status": goal.status_on(day).value,
    }


@dataclass
class GoalsSection:
    goals: GoalsService
    name: str = "goals"

    async def on(self, user_id: str, day: date) -> Any:
        running, events = await self.goals.on_day(user_id, day)
        return {
            "running": [_goal_summary(g, day) for g in running],
            "due": [g.id for g in running if g.due_date == day],
            "completed": sorted({e.goal_id for e in events if e.kind == "completed"}),
            "updates": len(events),
        }

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        found: dict[date, Any] = {}
        for goal in await self.goals.goals(user_id, status="all"):
            if goal.due_date is not None and start <= goal.due_date <= end:
                found.setdefault(goal.due_date, {"due": [], "completed": []})["due"].append(goal.id)
            if goal.completed_on is not None and start <= goal.completed_on <= end:
                day = found.setdefault(goal.completed_on, {"due": [], "completed": []})
                day["completed"].append(goal.id)
        return found


@dataclass
class ActivitySection:
    """Whether the day counted toward the app streak, and how many actions it had."""

    streaks: StreakService
    name: str = "activity"

    async def on(self, user_id: str, day: date) -> Any:
        days = await self.streaks.active_days(user_id, day, day)
        actions = days[0][1] if days else 0
        return {"active": actions > 0, "actions": actions}

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        found = await self.streaks.active_days(user_id, start, end)
        return {day: {"active": True, "actions": actions} for day, actions in found}


@dataclass
class StreakPanel:
    streaks: StreakService
    name: str = "streak"

    async def panel(self, user_id: str, today: date) -> Any:
        streak = await self.streaks.streak(user_id)
        return {
            "current": streak.current,
            "longest": streak.longest,
            "active_today": streak.active_today,
            "last_active_date": streak.last_active_date.isoformat()
            if streak.last_active_date
            else None,
        }


@dataclass
class ActiveGoalsPanel:
    goals: GoalsService
    name: str = "goals"
    limit: int = 5

    async def panel(self, user_id: str, today: date) -> Any:
        active = await self.goals.goals(user_id, status="active")
        # Soonest due first; goals without a due date after them.
        ordered = sorted(active, key=lambda g: (g.due_date is None, g.due_date or today))
        return {
            "active": len(active),
            "next": [_goal_summary(g, today) for g in ordered[: self.limit]],
        }


@dataclass
class DailyContentPanel:
    daily: DailyContentService
    name: str = "daily"

    async def panel(self, user_id: str, today: date) -> Any:
        content = await self.daily.for_today()
        return {
            "date": content.date.isoformat(),
            "quote": {"text": content.quote.text, "author": content.quote.author},
            "word": {
                "word": content.word.word,
                "part_of_speech": content.word.part_of_speech,
                "meaning": content.word.meaning,
                "example": content.word.example,
            },
            "prompt": content.prompt.text,
            "mind_fuel": {"title": content.mind_fuel.title, "text": content.mind_fuel.text},
            "theme": {"title": content.theme.title, "week": content.week},
        }


@dataclass
class FocusSection:
    """The day's pomodoro totals."""

    pomodoro: PomodoroService
    name: str = "focus"

    async def on(self, user_id: str, day: date) -> Any:
        stats = await self.pomodoro.stats(user_id, day, day)
        totals = stats.days[0] if stats.days else None
        return {
            "focus_minutes": totals.focus_minutes if totals else 0,
            "focus_sessions": totals.focus_sessions if totals else 0,
            "break_sessions": totals.break_sessions if totals else 0,
            "tasks_done": totals.tasks_done if totals else 0,
        }

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        stats = await self.pomodoro.stats(user_id, start, end)
        return {
            d.day: {"focus_minutes": d.focus_minutes, "focus_sessions": d.focus_sessions}
            for d in stats.days
            if d.focus_sessions or d.break_sessions
        }


@dataclass
class HabitsSection:
    """Each active habit on that day: asked for, done, or neither."""

    habits: HabitsService
    name: str = "habits"
    #: A day view of hundreds of habits would be no use; all are read in one go.
    limit: int = 50

    async def on(self, user_id: str, day: date) -> Any:
        found = []
        calendars = await self.habits.calendars(user_id, day.year, day.month, limit=self.limit)
        for habit, month in calendars:
            entry = next((d for d in month if d.day == day), None)
            found.append(
                {
                    "id": habit.id,
                    "name": habit.name,
                    "done": bool(entry and entry.done),
                    "scheduled": bool(entry and entry.scheduled),
                }
            )
        return {"habits": found, "done": sum(1 for h in found if h["done"])}

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        """Habits done per day; `start` and `end` lie in one month (the calendar's)."""
        done: dict[date, int] = {}
        calendars = await self.habits.calendars(user_id, start.year, start.month, limit=self.limit)
        for _habit, month in calendars:
            for day in month:
                if day.done and start <= day.day <= end:
                    done[day.day] = done.get(day.day, 0) + 1
        return {day: {"done": n} for day, n in done.items()}
