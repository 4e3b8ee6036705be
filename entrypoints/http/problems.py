"""One map from errors to RFC 9457 problem details. Clients never see exception text they were
not meant to: domain errors carry a safe `detail`; anything unexpected is a bare 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

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
log = structlog.get_logger("refocused.http")

STATUS_OF: dict[type[DomainError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Unauthenticated: 401,
    Forbidden: 403,
    RateLimited: 429,
    Unavailable: 503,
}

_TITLES = {
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


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    for name, value in (extensions or {}).items():
        body.setdefault(name, value)
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_for(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]  # type: ignore[index]
    return 400


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    status = status_for(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(max(1, int(exc.retry_after_seconds + 0.999)))
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="refocused"'
    errors = [{"field": exc.field, "message": exc.detail}] if exc.field else None
    return problem(
        status,
        exc.detail,
        title=exc.title,
        errors=errors,
        headers=headers,
        instance=request.url.path,
        extensions=exc.extensions,
    )


def validation_error_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = item.get("key") or ""
            errors.append({"field": key, "message": str(item.get("message", "is invalid"))})
    if errors:
        fields = ", ".join(e["field"] for e in errors if e["field"]) or "the body"
        detail = f"invalid value for {fields}: {errors[0]['message']}"
    else:
        detail = _safe_validation_detail(exc.detail)
    return problem(400, detail, errors=errors or None, instance=request.url.path)


def _safe_validation_detail(detail: str) -> str:
    if "decode" in detail.lower() or "json" in detail.lower():
        return "the request body is not valid JSON"
    return "the request is not valid"


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    detail = exc.detail if status < 500 and exc.detail else _TITLES.get(status, "Error")
    if status == 413:
        detail = "the request body is larger than this endpoint accepts"
    return problem(status, detail, headers=dict(exc.headers or {}), instance=request.url.path)


def recursion_error_handler(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """JSON nested deeper than the decoder's recursion limit is the client's error, not ours."""
    if "deserializing" in str(exc):
        return problem(400, "the request body nests too deeply", instance=request.url.path)
    return unexpected_error_handler(request, exc)


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error(
        "http.unhandled_error", path=request.url.path, error_type=type(exc).__name__, exc_info=exc
    )
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "something went wrong on our side; it has been logged",
        instance=request.url.path,
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    RecursionError: recursion_error_handler,
    Exception: unexpected_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType", "problem", "status_for"]
