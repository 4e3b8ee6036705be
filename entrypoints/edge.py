"""The edge contract both runtimes answer by, the Litestar API (entrypoints.http) and the
Lambda handlers behind API Gateway (entrypoints.lambdas): which status each domain error is,
how a request body is decoded (strictly, against its schema in entrypoints.schemas or
entrypoints.http.schemas), and the RFC 9457 problem a client reads. Framework-free, so the
Lambda zip carries no web framework; each runtime only wraps the result in its own response
type."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from domains.shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)

PROBLEM_JSON = "application/problem+json"
T = TypeVar("T")

STATUS_OF: dict[type[DomainError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Unauthenticated: 401,
    Forbidden: 403,
    RateLimited: 429,
    Unavailable: 503,
}

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


@dataclass(frozen=True)
class Problem:
    """An error answer: its status, its RFC 9457 body and the headers that go with it."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def problem_body(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    instance: str | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    for name, value in (extensions or {}).items():
        body.setdefault(name, value)
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def status_for(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 400


def domain_problem(error: DomainError, instance: str | None = None) -> Problem:
    """The problem for a domain error: its status, its safe detail and title, the field it
    names, Retry-After when it says when to try again, and the Bearer challenge on a 401."""
    status = status_for(error)
    headers: dict[str, str] = {}
    retry_after = getattr(error, "retry_after_seconds", None)
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, int(retry_after + 0.999)))
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="refocused"'
    errors = [{"field": error.field, "message": error.detail}] if error.field else None
    body = problem_body(
        status,
        error.detail,
        title=error.title,
        errors=errors,
        instance=instance,
        extensions=error.extensions,
    )
    return Problem(status, body, headers)


class InvalidBody(Exception):
    """A request body that is not JSON of its schema, or parameters outside theirs: a 400
    whose `errors` name the member or parameter."""

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors

    def problem(self, instance: str | None = None) -> Problem:
        return Problem(400, problem_body(400, self.detail, errors=self.errors, instance=instance))


def decode_body(decoder: msgspec.json.Decoder[T], body: bytes) -> T:
    """The body decoded strictly (no "25" for an integer, no 0 for a boolean), as the OpenAPI
    document's JSON types state; anything else is InvalidBody, never a 500."""
    try:
        return decoder.decode(body)
    except UnicodeDecodeError as e:
        raise InvalidBody("the request body is not UTF-8: send JSON encoded as UTF-8") from e
    except msgspec.ValidationError as e:
        raise _invalid(e, "the request body is invalid") from e
    except msgspec.DecodeError as e:  # "JSON is malformed: ...", "Input data was truncated"
        raise InvalidBody(f"the request body is not valid JSON: {e}") from e


def decode_parameters(schema: type[T], values: Mapping[str, str]) -> T:
    """Query parameters or headers as `schema` (a struct of those an operation reads; others
    are ignored, as the API ignores them): one missing or outside its limits is InvalidBody,
    the API's 400 naming the parameter with the message the API gives."""
    try:
        return msgspec.convert(dict(values), schema, strict=True)
    except msgspec.ValidationError as e:
        raise _invalid(e, "the request is not valid") from e


def _invalid(error: msgspec.ValidationError, whole: str) -> InvalidBody:
    """The 400 for a value outside its schema, naming the member (or parameter) at fault."""
    member, message = member_error(str(error))
    if not member:
        return InvalidBody(f"{whole}: {message}")
    return InvalidBody(
        f"invalid value for {member}: {message}", [{"field": member, "message": message}]
    )


_AT_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_NAMED_MEMBER = re.compile(
    r"^Object (?:missing required|contains unknown) field `(?P<name>[^`]+)`$"
)


def member_error(msgspec_message: str) -> tuple[str, str]:
    """(JSON path, message) from a msgspec ValidationError: "Expected `int`, got `str` - at
    `$.marks[2].minutes`" is the member `marks[2].minutes`; "Object missing required field `date`
    - at `$.marks[2]`" is `marks[2].date`. The path is empty for the body as a whole."""
    parsed = _AT_PATH.match(msgspec_message)
    message, path = (parsed["message"], parsed["path"] or "") if parsed else (msgspec_message, "")
    if named := _NAMED_MEMBER.match(message):
        name = named["name"]
        path = f"{path}.{name}"
        message = (
            f"`{name}` is required" if "missing" in message else f"`{name}` is not a known field"
        )
    return path.removeprefix("."), message
