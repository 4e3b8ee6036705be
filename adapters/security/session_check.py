"""Asks the API whether an access token's session is still signed in.

A function holds only the public key: it can tell that the API signed a token and that the token
has not expired, not that its user has since signed out or erased the account. The API knows
(its revocation cache, with the database behind it), so the function asks it, with the user's
own token, before serving the user: `GET /api/v1/auth/session`. No answer means no service: a
function never serves a user it could not confirm."""

from __future__ import annotations

import httpx

from domains.identity.errors import InvalidToken
from domains.identity.model import AccessClaims
from domains.shared.errors import RateLimited, Unavailable

SESSION_PATH = "/api/v1/auth/session"


class ApiSessionCheck:
    def __init__(
        self, api_url: str, client: httpx.AsyncClient | None = None, timeout: float = 3.0
    ) -> None:
        self._url = api_url.rstrip("/") + SESSION_PATH
        self._client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def confirm(self, token: str, claims: AccessClaims) -> None:
        """Returns when the API vouches for the token's session; InvalidToken (401) when it
        refuses it, Unavailable (503) when it cannot be asked."""
        try:
            response = await self._client.get(
                self._url, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as e:
            raise Unavailable("cannot confirm the session just now; try again") from e
        if response.status_code == 401:
            raise InvalidToken("the session has been signed out")
        if response.status_code == 429:
            # The API counts the user's requests; the functions answer to the same limit.
            retry = response.headers.get("retry-after", "")
            raise RateLimited(
                "rate limit exceeded; slow down",
                retry_after_seconds=float(retry) if retry.isdigit() else 1.0,
            )
        if response.status_code != 200:
            raise Unavailable("cannot confirm the session just now; try again")
        try:
            body = response.json()
        except ValueError as e:
            raise Unavailable("cannot confirm the session just now; try again") from e
        if (
            not isinstance(body, dict)
            or body.get("user_id") != claims.user_id
            or body.get("session_id") != claims.session_id
        ):
            raise InvalidToken()

    async def aclose(self) -> None:
        await self._client.aclose()
