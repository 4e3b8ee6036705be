"""Containers of the everyday domains: breathing, mood, goals, the app streak, daily content
and the calendar that joins them. The root (containers.Application) registers them."""

from __future__ import annotations

from dependency_injector import providers

from adapters.calendar.sections import (
    ActiveGoalsPanel,
    ActivitySection,
    BreathingSection,
    DailyContentPanel,
    FocusSection,
    GoalsSection,
    HabitsSection,
    MoodSection,
    StreakPanel,
)
from adapters.content.library import JsonContentLibrary
from adapters.sql.breathing import SqlAlchemyBreathingUnitOfWork
from adapters.sql.goals import SqlAlchemyGoalsUnitOfWork
from adapters.sql.mood import SqlAlchemyMoodUnitOfWork
from adapters.sql.streaks import SqlAlchemyStreakUnitOfWork
from adapters.sql.unit_of_work import SqlReadScope
from domains.breathing.use_cases import BreathingService, BreathingUserData
from domains.calendar.use_cases import CalendarService
from domains.daily.use_cases import DailyContentService
from domains.goals.use_cases import GoalsService, GoalsUserData
from domains.mood.use_cases import MoodService, MoodUserData
from domains.shared.events import InProcessEventBus
from domains.streaks.use_cases import StreakService, StreakUserData
from entrypoints.composition.domain import Domain


class Breathing(Domain):
    edge = {"breathing": "service"}

    infrastructure = providers.DependenciesContainer()

    unit_of_work = providers.Factory(SqlAlchemyBreathingUnitOfWork, infrastructure.engine)
    service = providers.Singleton(
        BreathingService,
        uow=unit_of_work.provider,
        user_days=infrastructure.user_days,
        clock=infrastructure.clock,
        events=infrastructure.events,
    )
    user_data = providers.Singleton(BreathingUserData, uow=unit_of_work.provider)


class Mood(Domain):
    edge = {"mood": "service"}

    infrastructure = providers.DependenciesContainer()

    unit_of_work = providers.Factory(SqlAlchemyMoodUnitOfWork, infrastructure.engine)
    service = providers.Singleton(
        MoodService,
        uow=unit_of_work.provider,
        user_days=infrastructure.user_days,
        clock=infrastructure.clock,
        events=infrastructure.events,
    )
    user_data = providers.Singleton(MoodUserData, uow=unit_of_work.provider)


class Goals(Domain):
    edge = {"goals": "service"}

    infrastructure = providers.DependenciesContainer()

    unit_of_work = providers.Factory(SqlAlchemyGoalsUnitOfWork, infrastructure.engine)
    service = providers.Singleton(
        GoalsService,
        uow=unit_of_work.provider,
        user_days=infrastructure.user_days,
        clock=infrastructure.clock,
    )
    user_data = providers.Singleton(GoalsUserData, uow=unit_of_work.provider)


class Streaks(Domain):
    edge = {"streaks": "service"}

    infrastructure = providers.DependenciesContainer()

    unit_of_work = providers.Factory(SqlAlchemyStreakUnitOfWork, infrastructure.engine)
    service = providers.Singleton(
        StreakService,
        uow=unit_of_work.provider,
        user_days=infrastructure.user_days,
    )
    user_data = providers.Singleton(StreakUserData, uow=unit_of_work.provider)


class Daily(Domain):
    edge = {"daily": "service"}

    infrastructure = providers.DependenciesContainer()

    library = providers.Singleton(JsonContentLibrary)
    service = providers.Singleton(
        DailyContentService,
        library=library,
        cache=infrastructure.cache,
        clock=infrastructure.clock,
    )


class Calendar(Domain):
    edge = {"calendar": "service"}

    infrastructure = providers.DependenciesContainer()
    breathing = providers.DependenciesContainer()
    mood = providers.DependenciesContainer()
    goals = providers.DependenciesContainer()
    streaks = providers.DependenciesContainer()
    daily = providers.DependenciesContainer()
    pomodoro = providers.DependenciesContainer()
    habits = providers.DependenciesContainer()

    activity_section = providers.Singleton(ActivitySection, streaks.service)
    focus_section = providers.Singleton(FocusSection, pomodoro.service)
    habits_section = providers.Singleton(HabitsSection, habits.service)
    mood_section = providers.Singleton(MoodSection, mood.service)
    breathing_section = providers.Singleton(BreathingSection, breathing.service)
    goals_section = providers.Singleton(GoalsSection, goals.service)
    _sections = providers.List(
        activity_section,
        focus_section,
        habits_section,
        mood_section,
        breathing_section,
        goals_section,
    )

    #: The view's sections read through one connection and one read-only transaction.
    reading = providers.Singleton(SqlReadScope, infrastructure.engine)

    service = providers.Singleton(
        CalendarService,
        user_days=infrastructure.user_days,
        reading=reading,
        sections=_sections,
        months=_sections,
        panels=providers.List(
            providers.Singleton(StreakPanel, streaks.service),
            providers.Singleton(ActiveGoalsPanel, goals.service),
            providers.Singleton(DailyContentPanel, daily.service),
        ),
    )


def subscribe_app_streak(events: InProcessEventBus, streaks: StreakService) -> None:
    """Every productive action counts toward the app streak. Publishers publish inside their
    unit of work, so the streak's writes join the action's transaction (one checkout, one
    commit; adapters.sql.unit_of_work): if they fail, the action rolls back with them. The bus
    reports a handler that fails before writing and runs the others, so the streak needs no
    guard."""
    events.subscribe(streaks.record)
