"""API Gateway HTTP API (payload 2.0) events in, responses out, and a small router. Errors are
answered on the edge contract the API service uses (entrypoints.edge): the same statuses, the
same RFC 9457 problems. Bodies are decoded and answers encoded with the API's schemas
(entrypoints.schemas) and its strict decoder (entrypoints.edge.decode_body)."""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec
import structlog

from domains.identity.errors import InvalidToken
from domains.shared.errors import DomainError
from entrypoints import edge

log = structlog.get_logger("refocused.lambda")
MAX_BODY_BYTES = 64 * 1024
T = TypeVar("T")
S = TypeVar("S", bound=msgspec.Struct)


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

    def decode(self, schema: type[T]) -> T:
        """The body as the API's schema for it, decoded as strictly as the API does: a body
        that does not match is edge.InvalidBody, the API's 400 naming the member. No body
        reads as JSON null, as in the API."""
        decoder: msgspec.json.Decoder[T] = _decoder(schema)
        return edge.decode_body(decoder, self.body or b"null")

    def query_as(self, schema: type[T]) -> T:
        """The query as the API's schema for it (edge.decode_parameters): a parameter missing
        or outside its limits is edge.InvalidBody, the API's 400 naming it."""
        return edge.decode_parameters(schema, self.query)

    def headers_as(self, schema: type[S]) -> S:
        """The headers `schema` names (as the API spells them, matched without regard to
        case), decoded as query_as decodes the query."""
        names = {f.encode_name.lower(): f.encode_name for f in msgspec.structs.fields(schema)}
        values = {names[name]: value for name, value in self.headers.items() if name in names}
        return edge.decode_parameters(schema, values)

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


_DECODERS: dict[object, msgspec.json.Decoder[Any]] = {}


def _decoder(schema: object) -> msgspec.json.Decoder[Any]:
    """One decoder per schema, built on first use (a handler decodes one schema)."""
    if schema not in _DECODERS:
        _DECODERS[schema] = msgspec.json.Decoder(schema, strict=True)
    return _DECODERS[schema]


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
        # msgspec, as Litestar encodes the API's answers: the same structs, the same JSON.
        out["body"] = msgspec.json.encode(body).decode()
    return out


def answer(problem: edge.Problem) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in problem.headers.items()}
    return respond(problem.status, problem.body, {"content-type": edge.PROBLEM_JSON, **headers})


def problem(status: int, detail: str) -> dict[str, Any]:
    return answer(edge.Problem(status, edge.problem_body(status, detail)))


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
            except edge.InvalidBody as e:
                return answer(e.problem())
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
