"""feedback-api: feedback (no sign-in), feature requests and votes behind API Gateway
(`ANY /feedback/{proxy+}`). Votes are one per user, by a DynamoDB transaction."""

from __future__ import annotations

from typing import Any

from domains.feedback.use_cases import FeatureView, FeedbackService
from entrypoints.composition.lambdas import LambdaSettings, feedback
from entrypoints.lambdas.apigw import BadRequest, Request, Router, handle, respond
from entrypoints.lambdas.auth import Access
from entrypoints.lambdas.runtime import ColdStart, answer_config_errors

router = Router()


def _build(settings: LambdaSettings) -> tuple[FeedbackService, Access]:
    return feedback(settings), Access(settings)


cold_start: ColdStart[tuple[FeedbackService, Access]] = ColdStart(_build)


def _text(body: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > 8000:
        raise BadRequest(f"`{name}` must be a string")
    return value


def _feature(view: FeatureView) -> dict[str, Any]:
    f = view.feature
    return {
        "id": f.id,
        "title": f.title,
        "description": f.description,
        "status": f.status.value,
        "votes": f.votes,
        "voted": view.voted,
        "created_at": f.created_at,
    }


@router.route("POST", "/feedback")
@router.route("POST", "/feedback/messages")
async def send_feedback(request: Request) -> dict[str, Any]:
    service, _ = cold_start.get()
    body = request.json()
    sent = await service.send_feedback(
        _text(body, "category") or "",
        _text(body, "text") or "",
        request.source_ip,
        _text(body, "contact", required=False),
    )
    return respond(201, {"id": sent.id, "created_at": sent.created_at})


@router.route("GET", "/feedback/features")
async def list_features(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    views = await service.list_features(await access.optional_user_id(request))
    return respond(200, [_feature(v) for v in views])


@router.route("POST", "/feedback/features")
async def propose(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    user = await access.user_id(request)
    body = request.json()
    feature = await service.propose_feature(
        user, _text(body, "title") or "", _text(body, "description", required=False) or ""
    )
    return respond(201, _feature(await service.get_feature(feature.id, user)))


@router.route("GET", "/feedback/features/{feature_id}")
async def get_feature(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    view = await service.get_feature(
        request.params["feature_id"], await access.optional_user_id(request)
    )
    return respond(200, _feature(view))


@router.route("PUT", "/feedback/features/{feature_id}/vote")
async def vote(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    view = await service.vote(await access.user_id(request), request.params["feature_id"])
    return respond(200, _feature(view))


@router.route("DELETE", "/feedback/features/{feature_id}/vote")
async def unvote(request: Request) -> dict[str, Any]:
    service, access = cold_start.get()
    view = await service.unvote(await access.user_id(request), request.params["feature_id"])
    return respond(200, _feature(view))


@answer_config_errors
def handler(event: Any, context: Any = None) -> dict[str, Any]:
    return handle(event, router, cold_start.run)
