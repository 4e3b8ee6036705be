"""Requests reach the API through the API gateway only: the gateway adds a secret header to
every request it forwards, and a request without it (someone calling the service's own URL,
past the gateway's throttles and with a forged client address) is refused. The health check,
which the platform sends to the service directly, is the one path left open."""

from __future__ import annotations

import hmac
import json

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)

from entrypoints.http.problems import PROBLEM_JSON

#: platform/refocused_infra/serverless.py sets the same header on the gateway's integration.
GATEWAY_HEADER = b"x-refocused-gateway"
OPEN_PATHS = frozenset({"/health"})

_REFUSAL = json.dumps(
    {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "call the API at its public address, through the API gateway",
    }
).encode()


class GatewayOnly:
    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope["path"] not in OPEN_PATHS:
            sent = next((v for k, v in scope["headers"] if k == GATEWAY_HEADER), b"")
            if not hmac.compare_digest(sent, self._token):
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", PROBLEM_JSON.encode()),
                        (b"content-length", str(len(_REFUSAL)).encode()),
                    ],
                }
                body: HTTPResponseBodyEvent = {
                    "type": "http.response.body",
                    "body": _REFUSAL,
                    "more_body": False,
                }
                await send(start)
                await send(body)
                return
        await self._app(scope, receive, send)
