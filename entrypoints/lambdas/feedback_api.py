"""feedback-api: feedback (no sign-in), feature requests and votes behind API Gateway
(`ANY /feedback/{proxy+}`). Votes are one per user, by a DynamoDB transaction."""

from __future__ import annotations

from typing import Any

from domains.feedback.use_cases import FeedbackService
from entrypoints.composition.lambdas import LambdaSettings, feedback
from entrypoints.lambdas.apigw import Request, Router, handle, respond
from entrypoints.lambdas.auth import Access
from entrypoints.lambdas.runtime import ColdStart, answer_config_errors
from entrypoints.schemas.feedback import FeatureCreate, FeatureRead, FeedbackCreate, FeedbackReceipt

router = Router()


def _build(settings: LambdaSettings) -> tuple[FeedbackService, Access]:
    return feedback(settings), Access(settings)


cold_start: ColdStart[tuple[FeedbackService, Access]] = ColdStart(_build)


@router.route("POST", "/feedback")
@router.route("POST", "/feedback/messages")
async def send_feedback(request: Request) -> dict[str, Any]:
    service, _ = cold_start.get()
    data = request.decode(FeedbackCreate)
    sent = await service.send_feedback(data.category, data.text, request.source_ip, data.contact)
    return respond(201, FeedbackReceipt(id=sent.id, created_at=sent.created_at))


@router.route("GET", "/feedback/features")
async def list_features(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    views = await service.list_features(await access.optional_user_id(request))
    return respond(200, [FeatureRead.of(v) for v in views])


@router.route("POST", "/feedback/features")
async def propose(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    user = await access.user_id(request)
    data = request.decode(FeatureCreate)
    feature = await service.propose_feature(user, data.title, data.description)
    return respond(201, FeatureRead.of(await service.get_feature(feature.id, user)))


@router.route("GET", "/feedback/features/{feature_id}")
async def get_feature(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    view = await service.get_feature(
        request.params["feature_id"], await access.optional_user_id(request)
    )
    return respond(200, FeatureRead.of(view))


@router.route("PUT", "/feedback/features/{feature_id}/vote")
async def vote(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    view = await service.vote(await access.user_id(request), request.params["feature_id"])
    return respond(200, FeatureRead.of(view))


@router.route("DELETE", "/feedback/features/{feature_id}/vote")
async def unvote(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    view = await service.unvote(await access.user_id(request), request.params["feature_id"])
    return respond(200, FeatureRead.of(view))


@answer_config_errors
def handler(event: Any, context: Any = None) -> dict[str, Any]:
    return handle(event, router, cold_start.run)
