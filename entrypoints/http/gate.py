"""The one ASGI middleware every API request passes: request id and access log, security
headers, authentication (cookie first, bearer as fallback), CSRF for cookie-authenticated unsafe
requests, the global rate limit, JSON-only request bodies and the sign-in routes' origin check.
Raw ASGI, because it runs on every request."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Protocol

import structlog
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from adapters.security.csrf import SignedCsrfTokens
from adapters.system.turns import take_turn
from domains.identity.errors import InvalidToken
from domains.identity.model import AccessClaims, Principal
from domains.identity.ports import RevocationState
from domains.identity.sessions import SignInService
from domains.shared.errors import DomainError, Forbidden, RateLimited
from domains.shared.rate_limit import Decision, Rate
from entrypoints.http import screens as screen_cache
from entrypoints.http.forwarded import ProxyTrust
from entrypoints.http.problems import answered_status
from entrypoints.http.screens import ScreenChanges, screen_key_of

ACCESS_COOKIE = "rf_access"
REFRESH_COOKIE = "rf_refresh"
CSRF_COOKIE = "rf_csrf"
CSRF_HEADER = b"x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Routes that check CSRF themselves against the refresh token's session (no access token yet).
SELF_CHECKED_CSRF = frozenset({"/api/v1/auth/refresh", "/api/v1/auth/logout"})
#: Routes that sign a browser in. A cross-site page must not be able to call them (login CSRF:
#: the visitor would end up in the attacker's account), whatever the body's media type.
SIGN_IN_PATHS = frozenset(
    {
        "/api/v1/auth/login",
        "/api/v1/auth/register",
        "/api/v1/auth/google",
        "/api/v1/auth/google/nonce",
        "/api/v1/auth/token",
    }
)
#: Unsafe routes whose body is not JSON: RFC 8058 one-click unsubscribe, which mail clients POST
#: as a form (the route reads only its query). Every other API body must be JSON.
NON_JSON_BODY_PATHS = frozenset({"/api/v1/email/newsletter/unsubscribe"})
#: RFC 6749 token requests are form encoded; /auth/token is a sign-in path, so a cross-site
#: form is refused by its origin before its encoding matters.
FORM_BODY_PATHS = frozenset({"/api/v1/auth/token"})
AUTH_PREFIX = "/api/v1/auth"

access_log = structlog.get_logger("refocused.access")

_API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The docs page runs Swagger UI from this origin (swagger-ui-py's copy and a script file of
# ours), never from another origin, and has no inline script. Swagger UI sets inline styles.
_DOCS_CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class RequestChecks(Protocol):
    """The two cache questions every API request asks, in one round trip where the cache can:
    (with a session) whether it was revoked, and count the request against `rate`: against
    `user_key` when the session is known to be active, against `address_key` when it is
    revoked or there is none, so a token that does not authenticate never spends its owner's
    allowance. When the cache cannot vouch either way (UNKNOWN, UNAVAILABLE) nothing is counted
    and the decision is None: the caller settles the session, then `count`s the request."""

    async def check(
        self,
        rate: Rate,
        address_key: str,
        *,
        session_id: str | None = None,
        user_key: str = "",
        screens_of: str | None = None,
    ) -> tuple[Decision | None, RevocationState | None, str | None]:
        """The decision, the session's state and, when `screens_of` names the token's user of
        a cached screen read and the session is known active and the request allowed, that
        user's screen version as ScreenVersions.read answers it (None while a change is in
        flight, or when the cache cannot answer); else None."""
        ...

    async def count(self, rate: Rate, key: str) -> Decision: ...


@dataclass(frozen=True)
class GateConfig:
    identity: SignInService
    csrf: SignedCsrfTokens
    checks: RequestChecks
    global_rate: Rate
    #: Who the client is behind proxies (the default believes no forwarding header).
    proxies: ProxyTrust = field(default_factory=ProxyTrust)
    #: Origins besides the API's own that may call the sign-in routes (the CORS list).
    sign_in_origins: frozenset[str] = frozenset()
    #: API requests served at once; the rest wait in order, at most `queue_seconds`.
    max_in_flight: int = 64
    queue_seconds: float = 0.5
    #: Entered around each API request: what lives for one request (the users' zones read).
    request_scope: Callable[[], AbstractContextManager[None]] = nullcontext
    #: The users' screen versions, moved on as they change things, and this worker's cached
    #: screen reads (entrypoints.http.screens); without them nothing is cached.
    screens: ScreenChanges | None = None


class Admission:
    """At most `limit` API requests in flight in this worker; the others wait their turn, first
    come first served, and one whose turn has not come within `wait_seconds` is refused at once
    (503 with Retry-After).

    Why: with 256 clients on one worker every request used to enter at once and queue at the
    connection pools, whose asyncio queues let newcomers overtake woken waiters; the habits
    list's median was 230 ms but its p99 5.5 s and its slowest 9.9 s. With the turns in front,
    admitted requests rarely wait for a connection, and the queue is fair and bounded."""

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self._turns = asyncio.Semaphore(limit)
        self._wait = wait_seconds

    async def enter(self) -> None:
        await take_turn(self._turns, self._wait)

    def leave(self) -> None:
        self._turns.release()


@dataclass(slots=True)
class RequestContext:
    """What the gate learned about a request, for handlers (scope["state"]["rf"])."""

    request_id: str
    client_ip: str
    principal: Principal | None = None
    via_cookie: bool = False
    #: Why a presented token was refused, for handlers that require authentication.
    auth_error: DomainError | None = None
    cookies: dict[str, str] | None = None
    #: This read's key in the screen cache, when its answer may be cached
    #: (entrypoints.http.screens).
    screen_key: str | None = None


def context_of(scope: Scope) -> RequestContext:
    return scope["state"]["rf"]  # type: ignore[no-any-return]


def parse_cookies(raw: bytes | None) -> dict[str, str]:
    if not raw:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except Exception:  # a malformed Cookie header is the client's problem, not a 500
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


class VerifiedTokens:
    """Access tokens this worker has already verified, by their exact text. Signature, type,
    issuer and audience are fixed by a token's bytes, so checking them again on every request
    (the JWT decode was a tenth of the authenticated read's CPU) only re-derives the same claims.
    Expiry is still checked against the clock on every use, and revocation still goes to the
    cache each request. Bounded: emptied when full."""

    def __init__(self, identity: SignInService, max_entries: int = 10_000) -> None:
        self._identity = identity
        self._max_entries = max_entries
        self._claims: dict[str, AccessClaims] = {}

    def read(self, token: str) -> AccessClaims:
        """The claims of a valid, unexpired access token; InvalidToken otherwise."""
        claims = self._claims.get(token)
        if claims is None:
            claims = self._identity.read_access_token(token)
            if len(self._claims) >= self._max_entries:
                self._claims.clear()
            self._claims[token] = claims
        elif claims.expires_at <= self._identity.clock.now():
            del self._claims[token]
            raise InvalidToken()
        return claims


class Gate:
    def __init__(self, app: ASGIApp, config: GateConfig) -> None:
        self.app = app
        self.config = config
        self.tokens = VerifiedTokens(config.identity)
        self.admission = Admission(config.max_in_flight, config.queue_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = _headers(scope)
        request_id = _request_id(headers.get(b"x-request-id"))
        ctx = RequestContext(
            request_id=request_id, client_ip=self.config.proxies.client_ip(scope, headers)
        )
        scope.setdefault("state", {})["rf"] = ctx
        path: str = scope["path"]
        status_holder = [500]
        started_answer = [False]
        #: The signed-in user whose change this unsafe request may be (their screens move on),
        #: and whether Redis counted it in flight.
        changer: list[tuple[str, bool]] = []

        async def send_tracking_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                started_answer[0] = True
                if changer:  # after the handler committed, before the client hears of it
                    await self._changed(changer.pop())
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            # Probes, metrics and docs stay reachable when the cache is down, a client is over
            # its limit or the worker is busy; the API is where identity and limits apply.
            if path.startswith("/api/"):
                await self.admission.enter()
                try:
                    with self.config.request_scope():
                        version = await self._authenticate(scope, headers, ctx)
                        if scope["method"] not in SAFE_METHODS:
                            self._check_unsafe_request(scope, headers, path)
                        if ctx.principal is None and needs_sign_in(scope["route_handler"]):
                            principal_or_401(scope)
                        await self._screens(scope, ctx, changer, version)
                        try:
                            await self.app(scope, receive, send_tracking_status)
                        finally:
                            if changer:  # no answer was sent (the handler failed or was cut)
                                await self._changed(changer.pop())
                finally:
                    self.admission.leave()
            else:
                await self.app(scope, receive, send_tracking_status)
        except Exception as e:
            # Refused here (401, 403, 415, 429, 503): answered by the app's handlers outside.
            if not started_answer[0]:
                status_holder[0] = answered_status(e)
            raise
        finally:
            access_log.info(
                "http.request",
                method=scope["method"],
                path=path,
                status=status_holder[0],
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                user_id=ctx.principal.user_id if ctx.principal else None,
            )
            structlog.contextvars.unbind_contextvars("request_id")

    async def _screens(
        self,
        scope: HTTPScope,
        ctx: RequestContext,
        changer: list[tuple[str, bool]],
        version: tuple[bool, str | None] = (False, None),
    ) -> None:
        """A signed-in user's read of a cached screen learns the user's screen version (from
        the request check when it answered it: `version` is (answered, version)); their unsafe
        request will move it on once answered (entrypoints.http.screens)."""
        screens = self.config.screens
        if screens is None or ctx.principal is None:
            return
        if scope["method"] not in SAFE_METHODS:
            user_id = ctx.principal.user_id
            changer.append((user_id, await screens.begin(user_id)))
        elif _cached_read(scope):
            screen_cache.forget_freshness()
            answered, current = version
            if not answered:
                current = await screens.read(ctx.principal.user_id)
            if current is not None:
                ctx.screen_key = screen_key_of(scope, ctx.principal.user_id, current)

    async def _changed(self, change: tuple[str, bool]) -> None:
        assert self.config.screens is not None
        await self.config.screens.end(*change)

    async def _authenticate(
        self, scope: HTTPScope, headers: dict[bytes, bytes], ctx: RequestContext
    ) -> tuple[bool, str | None]:
        """Who asks (ctx.principal), within the limits; for a cached screen read, its user's
        screen version when the check could answer it in the same round trip: (True, version),
        else (False, None)."""
        authorization = headers.get(b"authorization")
        cookies = parse_cookies(headers.get(b"cookie"))
        ctx.cookies = cookies
        token: str | None = None
        if authorization is not None:
            scheme, _, value = authorization.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and value.strip():
                token = value.strip()
            else:
                ctx.auth_error = InvalidToken("use 'Authorization: Bearer <access token>'")
        elif ACCESS_COOKIE in cookies:
            token = cookies[ACCESS_COOKIE]
            ctx.via_cookie = True
        identity = self.config.identity
        claims: AccessClaims | None = None
        if token is not None:
            try:
                claims = self.tokens.read(token)
            except InvalidToken as e:
                ctx.auth_error = e
        checks, rate = self.config.checks, self.config.global_rate
        address_key = f"global:ip:{ctx.client_ip}"
        user_key = f"global:user:{claims.user_id}" if claims else ""
        # A cached read asks for its user's screen version in the same round trip, unless a
        # lost change must be recorded first (ScreenChanges.read records it).
        screens_of = None
        if (
            claims is not None
            and self.config.screens is not None
            and scope["method"] in SAFE_METHODS
            and not self.config.screens.behind
            and _cached_read(scope)
        ):
            screens_of = claims.user_id
        decision, state, version = await checks.check(
            rate,
            address_key,
            session_id=claims.session_id if claims else None,
            user_key=user_key,
            screens_of=screens_of,
        )
        if claims is not None and state is not None:
            try:
                ctx.principal = await identity.confirm_session(claims, state)
            except InvalidToken as e:
                ctx.auth_error = e
        if decision is None:  # the cache could not vouch: the sessions table just did
            decision = await checks.count(rate, user_key if ctx.principal else address_key)
        if not decision.allowed:
            raise RateLimited(
                "rate limit exceeded; slow down", retry_after_seconds=decision.retry_after
            )
        if (
            ctx.principal is not None
            and ctx.via_cookie
            and scope["method"] not in SAFE_METHODS
            and scope["path"] not in SELF_CHECKED_CSRF
            and not self.config.csrf.verify(
                ctx.principal.session_id,
                cookies.get(CSRF_COOKIE),
                headers.get(CSRF_HEADER, b"").decode("latin-1"),
            )
        ):
            raise Forbidden(
                "missing or invalid CSRF token: send the rf_csrf cookie's value in X-CSRF-Token"
            )
        answered = (
            screens_of is not None
            and state is RevocationState.ACTIVE
            and ctx.principal is not None
            and ctx.principal.user_id == screens_of
        )
        return answered, version if answered else None

    def _check_unsafe_request(
        self, scope: HTTPScope, headers: dict[bytes, bytes], path: str
    ) -> None:
        if path in SIGN_IN_PATHS and not self._same_site_or_allowed(scope, headers):
            raise Forbidden(
                "sign-in from this page's origin is not allowed: sign in from the ReFocused app "
                "(its origin must be one the API allows)"
            )
        # A cross-site <form> can send text/plain, urlencoded or multipart bodies without a
        # CORS preflight; only JSON needs one. A request without a body has nothing to check.
        if (
            _has_body(headers)
            and not _is_json(headers.get(b"content-type"))
            and path not in NON_JSON_BODY_PATHS
            and not (path in FORM_BODY_PATHS and _is_form(headers.get(b"content-type")))
        ):
            raise HTTPException(
                status_code=415,
                detail="send the request body as JSON, with Content-Type: application/json",
            )

    def _same_site_or_allowed(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        """A browser names the calling page's origin in Origin and its relation to us in
        Sec-Fetch-Site; scripts cannot set either. Clients that are not browsers send neither."""
        site = headers.get(b"sec-fetch-site")
        if site == b"same-origin":
            return True
        origin = headers.get(b"origin")
        if origin is not None:
            name = origin.decode("latin-1").strip().lower()
            return name in self.config.sign_in_origins or name == self._own_origin(scope, headers)
        return site is None or site == b"none"

    def _own_origin(self, scope: Scope, headers: dict[bytes, bytes]) -> str:
        scheme = "https" if self.config.proxies.https(scope, headers) else "http"
        host = headers.get(b"host", b"").decode("latin-1").strip().lower()
        default_port = ":443" if scheme == "https" else ":80"
        if host.endswith(default_port):
            host = host[: -len(default_port)]
        return f"{scheme}://{host}"


def _cached_read(scope: Scope) -> bool:
    """A read whose route keeps its answers in the screen cache (entrypoints.http.screens)."""
    return bool(getattr(scope.get("route_handler"), "cache", False))


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope["headers"]}


def _has_body(headers: dict[bytes, bytes]) -> bool:
    if b"transfer-encoding" in headers:
        return True
    length = headers.get(b"content-length")
    return length is not None and length.strip() not in (b"0", b"")


def _is_form(content_type: bytes | None) -> bool:
    media = (content_type or b"").partition(b";")[0].strip().lower()
    return media == b"application/x-www-form-urlencoded"


def _is_json(content_type: bytes | None) -> bool:
    """application/json (any parameters, such as charset) or a structured application/*+json."""
    if not content_type:
        return False
    media = content_type.partition(b";")[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


def _request_id(given: bytes | None) -> str:
    # A client-supplied id is echoed only when it is short and plain, so logs cannot be forged.
    if given and len(given) <= 64 and given.replace(b"-", b"").isalnum():
        return given.decode()
    return uuid.uuid4().hex


def security_headers_hook(proxies: ProxyTrust) -> Any:
    """A `before_send` hook: it sees every response, unmatched routes and errors included."""

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        state = scope.get("state", {})
        ctx: RequestContext | None = state.get("rf")
        if ctx is None:
            ctx = state["rf"] = RequestContext(request_id=uuid.uuid4().hex, client_ip="")
        path: str = scope["path"]
        https = proxies.https(scope)
        hdrs = list(message.get("headers", []))
        own_policy = any(h[0].lower() == b"content-security-policy" for h in hdrs)
        hdrs.extend(_security_headers(path, ctx.request_id, https, own_policy))
        auth_route = path.startswith(AUTH_PREFIX)
        if ctx.principal is not None or ctx.via_cookie or auth_route:
            # no-store overrides whatever the handler said (one header, never two).
            hdrs = [h for h in hdrs if h[0].lower() != b"cache-control"]
            hdrs.append((b"cache-control", b"no-store"))
            hdrs.append((b"vary", b"Authorization, Cookie"))
        if auth_route:
            # Token responses must not be stored by any cache (RFC 6749 section 5.1).
            hdrs.append((b"pragma", b"no-cache"))
        message["headers"] = hdrs

    return before_send


def _security_headers(
    path: str, request_id: str, https: bool, own_policy: bool = False
) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-request-id", request_id.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if not own_policy:
        # The web client's pages carry their own (entrypoints/http/web.py).
        csp = _DOCS_CSP if path.startswith("/schema") else _API_CSP
        headers.append((b"content-security-policy", csp))
    if https:
        headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    return headers


#: A route's `opt` key for "answers only a signed-in user" when the route reads the user itself
#: rather than through the `principal` dependency (see `needs_sign_in`).
SIGNED_IN_ONLY = "signed_in"


def needs_sign_in(handler: Any) -> bool:
    """A route that answers only a signed-in user: it takes the `principal` dependency, or its
    `opt` says SIGNED_IN_ONLY. The gate answers 401 to anyone else before the route runs (before
    its body is read: a stranger's bad body is not told about the body), and the OpenAPI
    document shows such a route's lock."""
    return "principal" in handler.parsed_fn_signature.parameters or bool(
        handler.opt.get(SIGNED_IN_ONLY)
    )


def principal_or_401(scope: Scope) -> Principal:
    ctx = context_of(scope)
    if ctx.principal is None:
        raise ctx.auth_error or InvalidToken("sign in first: no access token was sent")
    return ctx.principal
