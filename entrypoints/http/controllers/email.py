"""The newsletter over HTTP. Confirm and unsubscribe links arrive from mail: they work without
signing in, the signed token in the link is the proof."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from domains.email.use_cases import EmailService
from domains.identity.model import Device
from entrypoints.http.openapi import beyond_schema, responses
from entrypoints.schemas.email import (
    MAX_LINK_TOKEN_LENGTH,
    SubscribeAccepted,
    SubscribeRequest,
    SubscriptionRead,
)

Email = NamedDependency[EmailService]
LinksBase = NamedDependency[str]
ClientDevice = NamedDependency[Device]
Token = Annotated[
    str,
    QueryParameter(min_length=1, max_length=MAX_LINK_TOKEN_LENGTH, description="from the mail"),
]


class NewsletterController(Controller):
    path = "/email/newsletter"
    tags = ["email"]

    @post(
        "/subscribe",
        operation_id="subscribeToNewsletter",
        status_code=202,
        responses=responses(403, 422, 429, 503),
        opt=beyond_schema(
            "`email` is at most 254 characters: up to 64 before its one `@`, a domain with a dot "
            "after it, no spaces or control characters"
        ),
    )
    async def subscribe(
        self,
        data: JSONBody[SubscribeRequest],
        email_service: Email,
        client_device: ClientDevice,
        email_links_base: LinksBase,
    ) -> SubscribeAccepted:
        """Double opt-in: a confirmation link is mailed; nothing is sent until it is opened."""
        await email_service.subscribe(data.email, client_device.ip, email_links_base)
        return SubscribeAccepted()

    @get(
        "/confirm",
        operation_id="confirmNewsletterFromLink",
        responses=responses(422, 503),
        opt=beyond_schema(
            "`token` is one this server put in a confirmation mail, unchanged and less than 48 "
            "hours old"
        ),
    )
    async def confirm(self, email_service: Email, token: Token) -> SubscriptionRead:
        """Opened from the confirmation mail (links expire after 48 hours)."""
        return SubscriptionRead.of(await email_service.confirm(token))

    @post(
        "/confirm",
        operation_id="confirmNewsletter",
        status_code=200,
        responses=responses(403, 422, 503),
        opt=beyond_schema(
            "`token` is one this server put in a confirmation mail, unchanged and less than 48 "
            "hours old"
        ),
    )
    async def confirm_post(self, email_service: Email, token: Token) -> SubscriptionRead:
        """The same, for clients that confirm with POST."""
        return SubscriptionRead.of(await email_service.confirm(token))

    @post(
        "/unsubscribe",
        operation_id="unsubscribeFromNewsletter",
        status_code=200,
        responses=responses(403, 422, 503),
        opt=beyond_schema("`token` is one this server put in a mail's unsubscribe link, unchanged"),
    )
    async def unsubscribe(self, email_service: Email, token: Token) -> SubscriptionRead:
        """RFC 8058 one-click unsubscribe: mail clients POST here (List-Unsubscribe-Post)."""
        return SubscriptionRead.of(await email_service.unsubscribe(token))

    @get(
        "/unsubscribe",
        operation_id="unsubscribeFromNewsletterLink",
        responses=responses(422, 503),
        opt=beyond_schema("`token` is one this server put in a mail's unsubscribe link, unchanged"),
    )
    async def unsubscribe_link(self, email_service: Email, token: Token) -> SubscriptionRead:
        """The unsubscribe link in a mail's text. Idempotent."""
        return SubscriptionRead.of(await email_service.unsubscribe(token))

    @get(
        "/status",
        operation_id="getNewsletterStatus",
        responses=responses(422, 503),
        opt=beyond_schema("`token` is one this server put in a mail's link, unchanged"),
    )
    async def status(self, email_service: Email, token: Token) -> SubscriptionRead:
        """The subscription a mail's link is about."""
        return SubscriptionRead.of(await email_service.status(token))
