"""API Gateway HTTP API (payload 2.0) events in, responses out, and a small router. Errors are
answered on the edge contract the API service uses (entrypoints.edge): the same statuses, the
same RFC 9457 problems."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog

from domains.identity.errors import InvalidToken
from domains.shared.errors import DomainError
from entrypoints import edge

log = structlog.get_logger("refocused.lambda")
MAX_BODY_BYTES = 64 * 1024


class BadRequest(Exception):
    """The event or request is malformed: a 400 that says what is wrong."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    source_ip: str
    domain: str
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        if not self.body:
            raise BadRequest("the request needs a JSON body")
        try:
            data = json.loads(self.body)
        except ValueError:
            raise BadRequest("the request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise BadRequest("the request body must be a JSON object")
        return data

    def bearer_token(self) -> str:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("use 'Authorization: Bearer <access token>'")
        return token.strip()


def parse(event: Any) -> Request:
    if not isinstance(event, dict) or event.get("version") != "2.0":
        raise BadRequest("expected an API Gateway HTTP API event (payload format 2.0)")
    http = event.get("requestContext", {}).get("http", {})
    method, path = http.get("method"), event.get("rawPath")
    if not isinstance(method, str) or not isinstance(path, str):
        raise BadRequest("the event has no requestContext.http.method or rawPath")
    raw = event.get("body") or ""
    try:
        body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode()
    except (ValueError, TypeError):
        raise BadRequest("the body is not valid base64") from None
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest("the request body is too large")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    query = {str(k): str(v) for k, v in (event.get("queryStringParameters") or {}).items()}
    # The same routes answer under the API's /api/v1 prefix and at the HTTP API's root.
    path = path.removeprefix("/api/v1") or "/"
    return Request(
        method=method.upper(),
        path=path.rstrip("/") or "/",
        query=query,
        headers=headers,
        body=body,
        source_ip=str(http.get("sourceIp", "unknown")),
        domain=str(event.get("requestContext", {}).get("domainName", "")),
    )


def respond(status: int, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "statusCode": status,
        "headers": {
            "content-type": "application/json",
            "cache-control": "no-store",
            **(headers or {}),
        },
        "isBase64Encoded": False,
    }
    if body is not None:
        out["body"] = json.dumps(body, default=_json_default)
    return out


def answer(problem: edge.Problem) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in problem.headers.items()}
    return respond(problem.status, problem.body, {"content-type": edge.PROBLEM_JSON, **headers})


def problem(status: int, detail: str) -> dict[str, Any]:
    return answer(edge.Problem(status, edge.problem_body(status, detail)))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if hasattr(value, "value"):
        return value.value
    raise TypeError(f"cannot encode {type(value).__name__}")


Handler = Callable[[Request], Awaitable[dict[str, Any]]]


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]{1,64})", pattern) + "$")

        def register(handler: Handler) -> Handler:
            self._routes.append((method, regex, handler))
            return handler

        return register

    async def dispatch(self, request: Request) -> dict[str, Any]:
        allowed = []
        for method, regex, handler in self._routes:
            match = regex.match(request.path)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            request.params = match.groupdict()
            try:
                return await handler(request)
            except BadRequest as e:
                return problem(400, str(e))
            except DomainError as e:
                return domain_problem(e)
        if allowed:
            return problem(405, f"use {', '.join(sorted(set(allowed)))} on this path")
        return problem(404, f"no route for {request.method} {request.path}")


def domain_problem(error: DomainError) -> dict[str, Any]:
    return answer(edge.domain_problem(error))


def handle(event: Any, router: Router, run: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Parse, route and answer; a malformed event is a 400, never an exception."""
    try:
        request = parse(event)
    except BadRequest as e:
        log.warning("lambda.bad_event", reason=str(e))
        return problem(400, str(e))
    response = run(router.dispatch(request))
    log.info(
        "lambda.request", method=request.method, path=request.path, status=response["statusCode"]
    )
    return response
