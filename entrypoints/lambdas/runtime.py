"""What every handler shares: one build of its adapters per cold start, one event loop per
container, structlog set up once, and failures of configuration answered, not raised."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

import structlog

from entrypoints.composition.lambdas import LambdaSettings
from entrypoints.environment import SettingsError
from entrypoints.error_reporting import (
    flush,
    lambda_integrations,
    report_exception,
    start_error_reporting,
)
from entrypoints.logging import configure_logging

T = TypeVar("T")
R = TypeVar("R")
log = structlog.get_logger("refocused.lambda")


class ColdStart(Generic[T]):
    """Builds the function's services on the first invocation and keeps them for the life of
    the container (Lambda reuses a container for many invocations, one at a time)."""

    def __init__(self, build: Callable[[LambdaSettings], T]) -> None:
        self._build = build
        self._built: T | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        with self._lock:
            if self._built is None:
                settings = LambdaSettings.from_env()
                configure_logging(settings.log_level, "json")
                if settings.sentry_dsn:
                    start_error_reporting(
                        settings.sentry_dsn, settings.sentry_environment, lambda_integrations()
                    )
                self._built = self._build(settings)
                log.info("lambda.cold_start")
            return self._built

    def run(self, coroutine: Coroutine[Any, Any, R]) -> R:
        # One loop for the container: clients and locks made on it stay usable next time.
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
        return self._loop.run_until_complete(coroutine)

    def reset(self) -> None:
        """Forget what was built (tests build with other settings)."""
        with self._lock:
            self._built = None


def _api_request_id(event: Any) -> str | None:
    context = event.get("requestContext") if isinstance(event, dict) else None
    found = context.get("requestId") if isinstance(context, dict) else None
    return found if isinstance(found, str) else None


def _reported_request(event: Any) -> dict[str, Any] | None:
    """The API Gateway request an event carries, as Sentry records a request (scrubbed by
    entrypoints/error_reporting.py before it is sent)."""
    if not isinstance(event, dict) or not isinstance(event.get("requestContext"), dict):
        return None
    context = event["requestContext"]
    http = context.get("http") if isinstance(context.get("http"), dict) else {}
    host = context.get("domainName") or "lambda"
    return {
        "method": http.get("method") or event.get("httpMethod"),
        "url": f"https://{host}{event.get('rawPath') or event.get('path') or ''}",
        "query_string": event.get("rawQueryString") or "",
        "headers": event.get("headers") or {},
        "data": event.get("body"),
    }


def answer_config_errors(handler: Callable[[Any, Any], dict[str, Any]]) -> Any:
    """Every handler's wrapper. Each log line of an invocation carries `lambda_request_id`
    (Lambda's), `request_id` (API Gateway's, where the event came through it) and `cold_start`
    (the container's first invocation); and a function deployed without a variable it needs
    answers 503 naming the variable. With a Sentry DSN set, every error is reported
    (entrypoints/error_reporting.py scrubs it first)."""
    served = False

    def wrapped(event: Any, context: Any = None) -> dict[str, Any]:
        nonlocal served
        cold, served = not served, True
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            cold_start=cold,
            lambda_request_id=getattr(context, "aws_request_id", None),
            request_id=_api_request_id(event),
        )
        try:
            return handler(event, context)
        except SettingsError as e:
            log.error("lambda.misconfigured", reason=str(e))
            report_exception(e, _reported_request(event))
            flush()
            body = {"type": "about:blank", "status": 503, "detail": str(e)}
            return {
                "statusCode": 503,
                "headers": {"content-type": "application/problem+json"},
                "body": json.dumps(body),
            }
        except Exception as e:
            # Lambda answers the caller and logs the traceback; Sentry gets it too, before the
            # container is frozen.
            report_exception(e, _reported_request(event))
            flush()
            raise
        finally:
            structlog.contextvars.clear_contextvars()

    return wrapped
