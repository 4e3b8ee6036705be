"""How sign-ins travel: HttpOnly cookies for browsers, a JSON body for bearer clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from adapters.security.csrf import SignedCsrfTokens
from domains.identity.model import Device, Principal, SignIn
from entrypoints.http.gate import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    context_of,
    principal_or_401,
)

REFRESH_PATH = "/api/v1/auth"


@dataclass(frozen=True)
class CookiePolicy:
    secure: bool
    domain: str | None = None

    def sign_in_cookies(self, sign_in: SignIn, csrf_token: str) -> list[Cookie]:
        refresh_max_age = int(
            (sign_in.refresh_expires_at - sign_in.session.last_used_at).total_seconds()
        )
        # "Remember me" sets persistent cookies; otherwise they end with the browser session.
        persistent = sign_in.session.remember_me
        return [
            Cookie(
                key=ACCESS_COOKIE,
                value=sign_in.access_token,
                httponly=True,
                secure=self.secure,
                samesite="lax",
                path="/",
                domain=self.domain,
                max_age=sign_in.access_expires_in if persistent else None,
            ),
            Cookie(
                key=REFRESH_COOKIE,
                value=sign_in.refresh_token,
                httponly=True,
                secure=self.secure,
                samesite="strict",
                path=REFRESH_PATH,
                domain=self.domain,
                max_age=refresh_max_age if persistent else None,
            ),
            # Readable by the page's script, which echoes it in X-CSRF-Token.
            Cookie(
                key=CSRF_COOKIE,
                value=csrf_token,
                httponly=False,
                secure=self.secure,
                samesite="strict",
                path="/",
                domain=self.domain,
                max_age=refresh_max_age if persistent else None,
            ),
        ]

    def cleared(self) -> list[Cookie]:
        return [
            Cookie(
                key=ACCESS_COOKIE,
                value="",
                path="/",
                max_age=0,
                domain=self.domain,
                httponly=True,
                secure=self.secure,
                samesite="lax",
            ),
            Cookie(
                key=REFRESH_COOKIE,
                value="",
                path=REFRESH_PATH,
                max_age=0,
                domain=self.domain,
                httponly=True,
                secure=self.secure,
                samesite="strict",
            ),
            Cookie(
                key=CSRF_COOKIE,
                value="",
                path="/",
                max_age=0,
                domain=self.domain,
                secure=self.secure,
                samesite="strict",
            ),
        ]


def principal(request: Request[Any, Any, Any]) -> Principal | None:
    """Dependency for every route that needs a signed-in user: such a route gets the user or
    answers 401. The domain services are resolved after it (entrypoints.http.app), so it is
    also resolved for routes that only take a service; they get None, never a 401."""
    ctx = context_of(request.scope)
    if (
        ctx.principal is None
        and "principal" in request.route_handler.parsed_fn_signature.parameters
    ):
        return principal_or_401(request.scope)
    return ctx.principal


def device(request: Request[Any, Any, Any]) -> Device:
    return Device(
        ip=context_of(request.scope).client_ip,
        user_agent=request.headers.get("user-agent", "")[:255],
    )


def with_cookies(response: Response[Any], cookies: list[Cookie]) -> Response[Any]:
    for cookie in cookies:
        response.set_cookie(cookie)
    return response


def csrf_for(csrf: SignedCsrfTokens, sign_in: SignIn) -> str:
    return csrf.issue(sign_in.session.id)
