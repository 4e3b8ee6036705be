"""Breathing over HTTP: the catalogue is public; sessions and totals are the user's own."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from domains.breathing.use_cases import BreathingService
from domains.identity.model import Principal
from domains.shared.errors import NotFound
from domains.shared.ids import is_id
from entrypoints.http.openapi import responses
from entrypoints.http.schemas.breathing import (
    BreathingSessionCreate,
    BreathingSessionRead,
    BreathingStatsRead,
    TechniqueRead,
)

Breathing = NamedDependency[BreathingService]
CurrentUser = NamedDependency[Principal]
SessionId = Annotated[str, PathParameter(max_length=64, format="uuid")]
Slug = Annotated[str, PathParameter(max_length=64, examples=[])]
FirstDay = Annotated[date | None, QueryParameter(name="from", description="first local day")]
LastDay = Annotated[date | None, QueryParameter(name="to", description="last local day")]
Limit = Annotated[int, QueryParameter(ge=1, le=200)]


def _session_id(value: str) -> str:
    if not is_id(value):
        raise NotFound("no such breathing session")
    return value


class BreathingController(Controller):
    path = "/breathing"
    tags = ["breathing"]

    @get("/techniques", operation_id="listBreathingTechniques", responses=responses())
    async def techniques(self, breathing: Breathing) -> list[TechniqueRead]:
        """The guided techniques, with the phases a client animates (no sign-in needed)."""
        return [TechniqueRead.of(t) for t in breathing.techniques()]

    @get("/techniques/{slug:str}", operation_id="getBreathingTechnique", responses=responses(404))
    async def technique(self, breathing: Breathing, slug: Slug) -> TechniqueRead:
        """One breathing technique with its phases."""
        return TechniqueRead.of(breathing.technique(slug))

    @post(
        "/sessions",
        operation_id="logBreathingSession",
        status_code=201,
        responses=responses(401, 403, 422),
    )
    async def log_session(
        self, data: JSONBody[BreathingSessionCreate], breathing: Breathing, principal: CurrentUser
    ) -> BreathingSessionRead:
        """Record a completed session: 1-1000 cycles, 1 second to 4 hours. Counts toward the
        app streak."""
        session = await breathing.log_session(
            principal.user_id, data.technique, data.cycles, data.duration_seconds
        )
        return BreathingSessionRead.of(session)

    @get("/sessions", operation_id="listBreathingSessions", responses=responses(401, 422))
    async def sessions(
        self,
        breathing: Breathing,
        principal: CurrentUser,
        first: FirstDay = None,
        last: LastDay = None,
        limit: Limit = 50,
    ) -> list[BreathingSessionRead]:
        """Newest first; optionally only the local days from..to (at most 366 days)."""
        found = await breathing.sessions(principal.user_id, first, last, limit)
        return [BreathingSessionRead.of(s) for s in found]

    @get(
        "/sessions/{session_id:str}",
        operation_id="getBreathingSession",
        responses=responses(401, 404),
    )
    async def session(
        self, breathing: Breathing, principal: CurrentUser, session_id: SessionId
    ) -> BreathingSessionRead:
        """One logged breathing session."""
        found = await breathing.session(principal.user_id, _session_id(session_id))
        return BreathingSessionRead.of(found)

    @delete(
        "/sessions/{session_id:str}",
        operation_id="deleteBreathingSession",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403, 404),
    )
    async def delete_session(
        self, breathing: Breathing, principal: CurrentUser, session_id: SessionId
    ) -> None:
        """Delete a logged breathing session."""
        await breathing.delete_session(principal.user_id, _session_id(session_id))

    @get("/stats", operation_id="getBreathingStats", responses=responses(401, 422))
    async def stats(
        self,
        breathing: Breathing,
        principal: CurrentUser,
        first: FirstDay = None,
        last: LastDay = None,
    ) -> BreathingStatsRead:
        """Totals per technique (all time, or over from..to) and per local day within a range."""
        return BreathingStatsRead.of(await breathing.totals(principal.user_id, first, last))
