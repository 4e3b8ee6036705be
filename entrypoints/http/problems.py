"""Errors as RFC 9457 problem details, on the edge contract the Lambdas share
(entrypoints.edge). Clients never see exception text they were
not meant to: domain errors carry a safe `detail`; anything unexpected is a bare 500."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from domains.shared.errors import DomainError
from entrypoints.edge import (
    PROBLEM_JSON,
    TITLES,
    InvalidBody,
    domain_problem,
    problem_body,
    status_for,
)

log = structlog.get_logger("refocused.http")


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
    body = problem_body(
        status, detail, title=title, errors=errors, instance=instance, extensions=extensions
    )
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    answer = domain_problem(exc, instance=request.url.path)
    return Response(
        answer.body, status_code=answer.status, media_type=PROBLEM_JSON, headers=answer.headers
    )


def invalid_body_handler(request: Request[Any, Any, Any], exc: InvalidBody) -> Response[Any]:
    answer = exc.problem(instance=request.url.path)
    return Response(answer.body, status_code=answer.status, media_type=PROBLEM_JSON)


def validation_error_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    """Each error names the parameter by the name a client sends; a body that is missing is
    named in `detail`. A body that was sent is decoded by entrypoints.edge.decode_body, whose
    InvalidBody names the member by its JSON path (invalid_body_handler)."""
    errors: list[dict[str, Any]] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("source") == "body" and item.get("key") == "data":
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


#: Litestar reports a required body that was not sent as its handler's argument, `data`.
_MISSING_BODY = "this endpoint needs a JSON request body; none was sent"
_MISSING_PARAMETER = re.compile(r"^Missing required \w+ parameter '(?P<name>[^']+)'")


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
    detail = exc.detail if status < 500 and exc.detail else TITLES.get(status, "Error")
    if status == 413:
        detail = "the request body is larger than this endpoint accepts"
    return problem(status, detail, headers=dict(exc.headers or {}), instance=request.url.path)


def answered_status(exc: BaseException) -> int:
    """The status the handlers below answer `exc` with: for a layer that sees an exception on
    its way out, before it is answered (the request metrics, outside the gate)."""
    if isinstance(exc, DomainError):
        return status_for(exc)
    if isinstance(exc, InvalidBody):
        return exc.problem().status
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, RecursionError) and "deserializing" in str(exc):
        return 400
    return HTTP_500_INTERNAL_SERVER_ERROR


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
    InvalidBody: invalid_body_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    RecursionError: recursion_error_handler,
    Exception: unexpected_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType", "problem"]
