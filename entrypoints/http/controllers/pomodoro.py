"""Pomodoro over HTTP: thin handlers over the Pomodoro service. Days are the user's local days."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from domains.identity.model import Principal
from domains.pomodoro.model import SessionKind
from domains.pomodoro.use_cases import PomodoroService
from entrypoints.http.openapi import responses
from entrypoints.http.schemas.pomodoro import (
    CurrentRead,
    PeriodRead,
    SessionComplete,
    SessionCreate,
    SessionRead,
    SettingsRead,
    SettingsUpdate,
    SummaryRead,
    TasksDone,
)
from entrypoints.http.screens import SCREEN_SECONDS

Pomodoro = NamedDependency[PomodoroService]
CurrentUser = NamedDependency[Principal]
SessionId = Annotated[
    str,
    PathParameter(
        max_length=64, format="uuid", description="a session id from POST /pomodoro/sessions"
    ),
]
FirstDay = Annotated[date, QueryParameter(name="from", description="first local day")]
LastDay = Annotated[date, QueryParameter(name="to", description="last day, at most 366 on")]
Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Replace = Annotated[
    bool,
    QueryParameter(description="abandon the running session instead of answering 409"),
]


class PomodoroController(Controller):
    path = "/pomodoro"
    tags = ["pomodoro"]

    @get("/settings", operation_id="getPomodoroSettings", responses=responses(401))
    async def settings(self, pomodoro: Pomodoro, principal: CurrentUser) -> SettingsRead:
        """Focus and break lengths, long-break rhythm and auto-start flags (defaults until set)."""
        return SettingsRead.of(await pomodoro.settings(principal.user_id))

    @patch("/settings", operation_id="updatePomodoroSettings", responses=responses(401, 403, 422))
    async def update_settings(
        self, data: JSONBody[SettingsUpdate], pomodoro: Pomodoro, principal: CurrentUser
    ) -> SettingsRead:
        """Change some settings: focus 1-180, short break 1-60, long break 1-120 minutes, a long
        break every 1-12 focus sessions."""
        return SettingsRead.of(await pomodoro.update_settings(principal.user_id, **data.changes()))

    @get(
        "/current",
        operation_id="getCurrentPomodoro",
        responses=responses(401),
        cache=SCREEN_SECONDS,
    )
    async def current(self, pomodoro: Pomodoro, principal: CurrentUser) -> CurrentRead:
        """The running session, if any, and which kind of session comes next."""
        return CurrentRead.of(await pomodoro.current(principal.user_id))

    @post(
        "/sessions",
        operation_id="startPomodoro",
        status_code=201,
        responses=responses(401, 403, 409, 422),
    )
    async def start(
        self,
        pomodoro: Pomodoro,
        principal: CurrentUser,
        data: JSONBody[SessionCreate | None] = None,
        replace: Replace = False,
    ) -> SessionRead:
        """Start a focus or break session (no body: a focus session of the set length). While
        another session runs the answer is 409 with its id in `running_session_id`, unless
        `replace=true`, which abandons it."""
        create = data or SessionCreate()
        session = await pomodoro.start(
            principal.user_id,
            SessionKind(create.kind),
            planned_minutes=create.planned_minutes,
            replace=replace,
        )
        return SessionRead.of(session)

    @get("/sessions", operation_id="listPomodoroSessions", responses=responses(401, 422))
    async def history(
        self,
        pomodoro: Pomodoro,
        principal: CurrentUser,
        limit: Limit = 50,
    ) -> list[SessionRead]:
        """The latest sessions, newest first."""
        return [SessionRead.of(s) for s in await pomodoro.history(principal.user_id, limit=limit)]

    @get(
        "/sessions/{session_id:str}",
        operation_id="getPomodoroSession",
        responses=responses(401, 404),
    )
    async def session(
        self, pomodoro: Pomodoro, principal: CurrentUser, session_id: SessionId
    ) -> SessionRead:
        """One focus or break session."""
        return SessionRead.of(await pomodoro.get(principal.user_id, session_id))

    @post(
        "/sessions/{session_id:str}/complete",
        operation_id="completePomodoro",
        status_code=200,
        responses=responses(401, 403, 404, 409, 422),
    )
    async def complete(
        self,
        pomodoro: Pomodoro,
        principal: CurrentUser,
        session_id: SessionId,
        data: JSONBody[SessionComplete | None] = None,
    ) -> SessionRead:
        """End a running session as completed; it counts on today's local statistics. A session
        already completed or abandoned answers 409."""
        tasks = data.tasks_done if data else 0
        return SessionRead.of(
            await pomodoro.complete(principal.user_id, session_id, tasks_done=tasks)
        )

    @post(
        "/sessions/{session_id:str}/abandon",
        operation_id="abandonPomodoro",
        status_code=200,
        responses=responses(401, 403, 404, 409),
    )
    async def abandon(
        self, pomodoro: Pomodoro, principal: CurrentUser, session_id: SessionId
    ) -> SessionRead:
        """End a running session without counting it."""
        return SessionRead.of(await pomodoro.abandon(principal.user_id, session_id))

    @post(
        "/sessions/{session_id:str}/tasks",
        operation_id="countPomodoroTasks",
        status_code=200,
        responses=responses(401, 403, 404, 409, 422),
    )
    async def count_tasks(
        self,
        pomodoro: Pomodoro,
        principal: CurrentUser,
        session_id: SessionId,
        data: JSONBody[TasksDone | None] = None,
    ) -> SessionRead:
        """Count tasks finished during a running focus session."""
        count = data.count if data else 1
        return SessionRead.of(await pomodoro.count_tasks(principal.user_id, session_id, count))

    @get(
        "/stats", operation_id="getPomodoroSummary", responses=responses(401), cache=SCREEN_SECONDS
    )
    async def summary(self, pomodoro: Pomodoro, principal: CurrentUser) -> SummaryRead:
        """Focus minutes, completed sessions and tasks for today, the last 7 and the last 30
        local days (each including today), with per-day figures."""
        return SummaryRead.of(await pomodoro.summary(principal.user_id))

    @get(
        "/stats/range",
        operation_id="getPomodoroStatsForRange",
        responses=responses(401, 422),
        cache=SCREEN_SECONDS,
    )
    async def stats(
        self,
        pomodoro: Pomodoro,
        principal: CurrentUser,
        start: FirstDay,
        end: LastDay,
    ) -> PeriodRead:
        """Totals and per-day figures for any range of local days."""
        return PeriodRead.of(await pomodoro.stats(principal.user_id, start, end), with_days=True)
