"""email-api: the newsletter behind API Gateway (`ANY /email/{proxy+}`). Mail it asks for is
published to SNS; the email-sender function delivers it."""

from __future__ import annotations

from typing import Any

from domains.email.use_cases import EmailService
from entrypoints.composition.lambdas import LambdaSettings, email_requests
from entrypoints.lambdas.apigw import Request, Router, handle, respond
from entrypoints.lambdas.runtime import ColdStart, answer_config_errors
from entrypoints.schemas.email import (
    LinkQuery,
    SubscribeAccepted,
    SubscribeRequest,
    SubscriptionRead,
)

router = Router()


def _build(settings: LambdaSettings) -> tuple[EmailService, LambdaSettings]:
    return email_requests(settings), settings


cold_start: ColdStart[tuple[EmailService, LambdaSettings]] = ColdStart(_build)


def _token(request: Request) -> str:
    return request.query_as(LinkQuery).token


@router.route("POST", "/email/newsletter/subscribe")
async def subscribe(request: Request) -> dict[str, Any]:
    service, settings = cold_start.get()
    data = request.decode(SubscribeRequest)
    base = settings.public_url or f"https://{request.domain}"
    await service.subscribe(data.email, request.source_ip, f"{base}/email")
    return respond(202, SubscribeAccepted())


@router.route("GET", "/email/newsletter/confirm")
@router.route("POST", "/email/newsletter/confirm")
async def confirm(request: Request) -> dict[str, Any]:
    service, _ = cold_start.get()
    return respond(200, SubscriptionRead.of(await service.confirm(_token(request))))


@router.route("GET", "/email/newsletter/unsubscribe")
@router.route("POST", "/email/newsletter/unsubscribe")
async def unsubscribe(request: Request) -> dict[str, Any]:
    service, _ = cold_start.get()
    return respond(200, SubscriptionRead.of(await service.unsubscribe(_token(request))))


@router.route("GET", "/email/newsletter/status")
async def status(request: Request) -> dict[str, Any]:
    service, _ = cold_start.get()
    return respond(200, SubscriptionRead.of(await service.status(_token(request))))


@answer_config_errors
def handler(event: Any, context: Any = None) -> dict[str, Any]:
    return handle(event, router, cold_start.run)
