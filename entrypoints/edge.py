"""The edge contract both runtimes answer by, the Litestar API (entrypoints.http) and the
Lambda handlers behind API Gateway (entrypoints.lambdas): which status each domain error is,
and the RFC 9457 problem a client reads. Framework-free, so the Lambda zip carries no web
framework; each runtime only wraps the result in its own response type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
