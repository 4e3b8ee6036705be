"""One map from errors to RFC 9457 problem details. Clients never see exception text they were
not meant to: domain errors carry a safe `detail`; anything unexpected is a bare 500."""

from __future__ import annotations

import re
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
    Overloaded,
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
    if isinstance(exc, RateLimited | Overloaded):
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
    """Each error names the offending member by its JSON path (`name`, `marks[2].date`) or the
    parameter by the name a client sends; a body that is missing or of the wrong shape as a
    whole is named in `detail`, with no member to point at."""
    errors: list[dict[str, Any]] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("source") == "body" and not item.get("key"):
            field, message = member_error(str(item.get("message", "")))
            if not field:
                detail = f"the request body is invalid: {message}"
                return problem(400, detail, instance=request.url.path)
        elif item.get("source") == "body" and item.get("key") == "data":
            return problem(400, _MISSING_BODY, instance=request.url.path)
        elif key := str(item.get("key") or ""):
            field = _parameter_name(request, key)
            message = str(item.get("message", "is invalid"))
        else:
            continue
        errors.append({"field": field, "message": message})
    if missing := _MISSING_PARAMETER.match(str(exc.detail)):
        errors.append({"field": missing["name"], "message": f"`{missing['name']}` is required"})
    if errors:
        fields = ", ".join(e["field"] for e in errors)
        detail = f"invalid value for {fields}: {errors[0]['message']}"
    else:
        detail = _safe_validation_detail(exc.detail)
    return problem(400, detail, errors=errors or None, instance=request.url.path)


_AT_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
#: Litestar reports a required body that was not sent as its handler's argument, `data`.
_MISSING_BODY = "this endpoint needs a JSON request body; none was sent"
_MISSING_PARAMETER = re.compile(r"^Missing required \w+ parameter '(?P<name>[^']+)'")
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


def _parameter_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name on the wire (`from`), not the handler's argument name (`first_day`)."""
    handler = request.scope.get("route_handler")
    parameter = handler.parsed_fn_signature.parameters.get(key) if handler else None
    definition = getattr(parameter, "kwarg_definition", None)
    for alias in ("name", "query", "header", "cookie"):
        if name := getattr(definition, alias, None):
            return str(name)
    return key


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
