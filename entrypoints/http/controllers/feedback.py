"""Feedback (no sign-in needed) and feature requests with votes, over HTTP."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from domains.feedback.use_cases import FeedbackService
from domains.identity.model import Device, Principal
from entrypoints.http.gate import context_of
from entrypoints.http.openapi import beyond_schema, responses
from entrypoints.schemas.feedback import (
    FeatureCreate,
    FeatureRead,
    FeedbackCreate,
    FeedbackReceipt,
)

Feedback = NamedDependency[FeedbackService]
CurrentUser = NamedDependency[Principal]
ClientDevice = NamedDependency[Device]
FeatureId = Annotated[str, PathParameter(max_length=64, format="uuid", description="a feature id")]


def _reader(request: Request[Any, Any, Any]) -> str | None:
    """Listing is public; a signed-in reader also sees which features they voted for."""
    principal = context_of(request.scope).principal
    return principal.user_id if principal else None


class FeedbackController(Controller):
    path = "/feedback"
    tags = ["feedback"]

    @post(
        "/",
        operation_id="sendFeedback",
        status_code=201,
        responses=responses(403, 422, 429, 503),
        opt=beyond_schema(
            "`text` is not blank; `text` and `contact` hold no control characters other than "
            "newlines and tabs"
        ),
    )
    async def send(
        self, data: JSONBody[FeedbackCreate], feedback: Feedback, client_device: ClientDevice
    ) -> FeedbackReceipt:
        """Send feedback without signing in. The contact is optional (for a reply)."""
        sent = await feedback.send_feedback(
            data.category, data.text, client_device.ip, data.contact
        )
        return FeedbackReceipt(id=sent.id, created_at=sent.created_at)


class FeaturesController(Controller):
    path = "/features"
    tags = ["feedback"]

    @get("/", responses=responses(503))
    async def list_features(
        self, request: Request[Any, Any, Any], feedback: Feedback
    ) -> list[FeatureRead]:
        """Proposed features, the most voted first."""
        return [FeatureRead.of(v) for v in await feedback.list_features(_reader(request))]

    @post(
        "/",
        operation_id="proposeFeature",
        status_code=201,
        responses=responses(401, 403, 422, 429, 503),
        opt=beyond_schema(
            "`title` and `description` are not blank and hold no control characters other than "
            "newlines and tabs"
        ),
    )
    async def propose(
        self, data: JSONBody[FeatureCreate], feedback: Feedback, principal: CurrentUser
    ) -> FeatureRead:
        """Propose a feature for others to vote on."""
        feature = await feedback.propose_feature(principal.user_id, data.title, data.description)
        return FeatureRead.of(await feedback.get_feature(feature.id, principal.user_id))

    @get("/{feature_id:str}", responses=responses(404, 503))
    async def get_feature(
        self, request: Request[Any, Any, Any], feedback: Feedback, feature_id: FeatureId
    ) -> FeatureRead:
        """One feature request with its vote count (and whether the caller voted, when
        signed in)."""
        return FeatureRead.of(await feedback.get_feature(feature_id, _reader(request)))

    @put(
        "/{feature_id:str}/vote",
        operation_id="voteForFeature",
        responses=responses(401, 403, 404, 409, 503),
    )
    async def vote(
        self, feedback: Feedback, principal: CurrentUser, feature_id: FeatureId
    ) -> FeatureRead:
        """Vote once; voting again changes nothing."""
        return FeatureRead.of(await feedback.vote(principal.user_id, feature_id))

    @delete(
        "/{feature_id:str}/vote",
        operation_id="unvoteFeature",
        status_code=200,
        responses=responses(401, 403, 404, 503),
    )
    async def unvote(
        self, feedback: Feedback, principal: CurrentUser, feature_id: FeatureId
    ) -> FeatureRead:
        """Withdraw one's vote."""
        return FeatureRead.of(await feedback.unvote(principal.user_id, feature_id))
