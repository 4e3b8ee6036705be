from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta, Struct

from domains.email.model import Subscription

#: The longest `token` a link from mail may carry.
MAX_LINK_TOKEN_LENGTH = 1024


class SubscribeRequest(Struct, forbid_unknown_fields=True):
    email: Annotated[str, Meta(min_length=3, max_length=320, examples=["ada@example.com"])]


class SubscribeAccepted(Struct):
    """The same answer whether or not the address was already on the list."""

    status: str = "confirmation_sent"
    detail: str = (
        "if this address can receive mail, a confirmation link is on its way; the subscription "
        "starts when the link is opened"
    )


class SubscriptionRead(Struct):
    email: str
    status: str
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None

    @classmethod
    def of(cls, subscription: Subscription) -> SubscriptionRead:
        return cls(
            email=subscription.email,
            status=subscription.status.value,
            confirmed_at=subscription.confirmed_at,
            unsubscribed_at=subscription.unsubscribed_at,
        )


class LinkQuery(Struct):
    """The query of a link from mail (confirm, unsubscribe, status): the Lambda decodes it
    with edge.decode_query; the API states the same limits on its `token` parameter."""

    token: Annotated[str, Meta(min_length=1, max_length=MAX_LINK_TOKEN_LENGTH)]
