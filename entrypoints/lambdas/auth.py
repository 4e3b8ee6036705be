"""Who calls a function: the API's access token, sent as `Authorization: Bearer`. Functions
take bearer tokens only, never cookies, so a browser cannot be made to call them on a user's
behalf (no CSRF to check).

A token is checked here with the API's public key (signature, type, audience, expiry: a forged
or expired one never leaves the function), then the API is asked whether its session is still
signed in, so a signed-out or erased user is refused at once, as the API itself refuses them."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.security.session_check import ApiSessionCheck
from adapters.security.tokens import AccessTokenVerifier
from entrypoints.composition.lambdas import LambdaSettings, access_tokens, session_check
from entrypoints.lambdas.apigw import Request


class Access:
    """Built from the function's settings on the first request that carries a token, so a
    function missing its keys still serves anonymous requests and answers the others 503."""

    def __init__(self, settings: LambdaSettings) -> None:
        self._settings = settings
        self._checks: tuple[AccessTokenVerifier, ApiSessionCheck] | None = None

    def _built(self) -> tuple[AccessTokenVerifier, ApiSessionCheck]:
        if self._checks is None:
            self._checks = access_tokens(self._settings), session_check(self._settings)
        return self._checks

    async def user_id(self, request: Request) -> str:
        """The signed-in user's id; InvalidToken (401) otherwise."""
        token = request.bearer_token()
        verifier, sessions = self._built()
        claims = verifier.decode_access(token, datetime.now(UTC))
        await sessions.confirm(token, claims)
        return claims.user_id

    async def optional_user_id(self, request: Request) -> str | None:
        """None for anonymous readers; a token that is sent must still be valid."""
        if "authorization" not in request.headers:
            return None
        return await self.user_id(request)
