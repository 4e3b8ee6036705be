"""Error reporting to Sentry, on only when a DSN is set (REFOCUSED_SENTRY_DSN).

The API starts it with Sentry's Litestar integration, the Lambda handlers (their one shared
wrapper, entrypoints/lambdas/runtime.py) with its AWS Lambda integration. Nothing below the
entrypoints imports sentry_sdk, and it is imported only once a DSN is set, so a unit without
one neither loads it nor sends anything.

Every event passes `scrub` before it leaves the process: no token, password, secret, cookie,
Authorization header, CSRF value or journal grant; no request body of a journal route and no
message of an error raised on one (it may quote the entry); no local variables of any frame.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

FILTERED = "[Filtered]"
#: A key (header, cookie, body field, query parameter, extra) holding any of these is filtered.
SENSITIVE_WORDS = (
    "token",
    "password",
    "passwd",
    "secret",
    "authorization",
    "cookie",
    "csrf",
    "grant",
    "session",
    "api_key",
    "apikey",
    "dsn",
    "signature",
    "kek",
    "x-refocused-gateway",
)
#: Journal routes: what users write there never leaves the process, not even in an error.
JOURNAL_PATHS = ("/api/v1/journal",)
#: Credentials that can turn up inside text (an error message, a log line): bearer values and
#: JWTs (access tokens), whatever word precedes them.
_CREDENTIAL_TEXT = re.compile(
    r"(?i)\bbearer\s+\S+|\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*|\b(?:token|password|secret)=[^&\s]+"
)
_JOURNAL_MESSAGE = "[Filtered: raised on a journal route]"


def _sensitive(key: object) -> bool:
    lowered = str(key).lower()
    return any(word in lowered for word in SENSITIVE_WORDS)


def _text(value: str) -> str:
    return _CREDENTIAL_TEXT.sub(FILTERED, value)


def _scrubbed(value: Any) -> Any:
    """A copy with every sensitive key's value filtered and credentials in text removed."""
    if isinstance(value, Mapping):
        return {k: FILTERED if _sensitive(k) else _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(v) for v in value]
    if isinstance(value, str):
        return _text(value)
    return value


def _body(data: Any) -> Any:
    """A body as structure with its sensitive fields filtered; a raw body that is not JSON is
    not sent at all (its fields cannot be told apart)."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError:
            return FILTERED if data else data
        if not isinstance(data, dict | list):
            return FILTERED
    return _scrubbed(data)


def _query(query: Any) -> Any:
    if isinstance(query, str):
        pairs = parse_qsl(query, keep_blank_values=True)
        return urlencode([(k, FILTERED if _sensitive(k) else _text(v)) for k, v in pairs])
    return _scrubbed(query)


def _is_journal_route(request: Mapping[str, Any]) -> bool:
    path = urlsplit(str(request.get("url") or "")).path
    return any(path == p or path.startswith(p + "/") for p in JOURNAL_PATHS)


def scrub(event: dict[str, Any], _hint: Any = None) -> dict[str, Any]:
    """Sentry's `before_send`: the event as it may leave the process."""
    request = event.get("request")
    journal = False
    if isinstance(request, dict):
        journal = _is_journal_route(request)
        request.pop("cookies", None)
        request.pop("env", None)
        if journal:
            request.pop("data", None)
        elif "data" in request:
            request["data"] = _body(request["data"])
        if "headers" in request:
            request["headers"] = _scrubbed(request["headers"])
        if "query_string" in request:
            request["query_string"] = _query(request["query_string"])
        if isinstance(request.get("url"), str):
            request["url"] = _text(request["url"])
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = _JOURNAL_MESSAGE if journal else _text(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = _JOURNAL_MESSAGE if journal else _text(logentry[key])
        logentry.pop("params", None)
    if isinstance(event.get("message"), str):
        event["message"] = _JOURNAL_MESSAGE if journal else _text(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in crumbs or []:
        if isinstance(crumb.get("message"), str):
            crumb["message"] = _JOURNAL_MESSAGE if journal else _text(crumb["message"])
        if "data" in crumb:
            crumb["data"] = _scrubbed(crumb["data"])
    for key in ("extra", "contexts", "tags"):
        if isinstance(event.get(key), dict):
            event[key] = _scrubbed(event[key])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return event


def start_error_reporting(
    dsn: str, environment: str, integrations: Sequence[Any] = (), release: str | None = None
) -> bool:
    """Starts Sentry when a DSN is set; without one, does nothing (and never imports it).
    Starting again with the same DSN keeps the client that runs."""
    if not dsn:
        return False
    import sentry_sdk

    client = sentry_sdk.get_client()
    if client.is_active() and client.dsn == dsn:
        return True
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release,
        integrations=list(integrations),
        # Only the integrations asked for (and Sentry's defaults): no breadcrumbs of SQL
        # statements, Redis commands or outgoing URLs, which may carry what users wrote.
        auto_enabling_integrations=False,
        before_send=cast(Any, scrub),
        # Sentry's default sends no IP address, user or cookies; nor any frame's variables.
        include_local_variables=False,
        # Errors only: traces go to X-Ray and OpenTelemetry.
        traces_sample_rate=None,
    )
    return True


def api_integrations() -> list[Any]:
    """Sentry's Litestar integration: a 5xx or an unhandled error of a request is an event."""
    from sentry_sdk.integrations.litestar import LitestarIntegration

    return [LitestarIntegration()]


def lambda_integrations() -> list[Any]:
    """Sentry's AWS Lambda integration: in Lambda it also reports errors raised while the
    function starts and invocations about to time out."""
    from sentry_sdk.integrations.aws_lambda import AwsLambdaIntegration

    return [AwsLambdaIntegration(timeout_warning=True)]


def report_exception(exc: BaseException, request: Mapping[str, Any] | None = None) -> None:
    """Sends an exception with the request it was raised on, when reporting is on."""
    if "sentry_sdk" not in sys.modules:
        return
    import sentry_sdk

    if not sentry_sdk.get_client().is_active():
        return
    with sentry_sdk.new_scope() as scope:
        if request:

            def attach(event: dict[str, Any], _hint: Any) -> dict[str, Any]:
                event["request"] = {**dict(request), **(event.get("request") or {})}
                return event

            scope.add_event_processor(cast(Any, attach))
        sentry_sdk.capture_exception(exc)


def flush(timeout_s: float = 2.0) -> None:
    """Sends what is queued before a Lambda container is frozen."""
    if "sentry_sdk" not in sys.modules:
        return
    import sentry_sdk

    if sentry_sdk.get_client().is_active():
        sentry_sdk.flush(timeout=timeout_s)
