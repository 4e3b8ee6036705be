"""Who calls a function: the API's access token, sent as `Authorization: Bearer`. Functions
take bearer tokens only, never cookies, so a browser cannot be made to call them on a user's
behalf (no CSRF to check)."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.security.tokens import JoseTokenService
from entrypoints.lambdas.apigw import Request


def user_id(tokens: JoseTokenService, request: Request) -> str:
    """The signed-in user's id; InvalidToken (401) otherwise."""
    return tokens.decode_access(request.bearer_token(), datetime.now(UTC)).user_id


def optional_user_id(tokens: JoseTokenService, request: Request) -> str | None:
    """None for anonymous readers; a token that is sent must still be valid."""
    if "authorization" not in request.headers:
        return None
    return user_id(tokens, request)
