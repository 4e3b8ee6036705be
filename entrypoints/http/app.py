"""The Litestar application, assembled by one factory: nothing happens at import time."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import structlog
from dependency_injector import providers
from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import NamedDependency, Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig

from adapters.sql.migrate import upgrade
from adapters.sql.user_time_zones import remembered_for_one_request
from domains.identity.model import Principal
from entrypoints.composition.containers import Application, wire_events
from entrypoints.composition.domain import edge_providers
from entrypoints.composition.resources import close_resources
from entrypoints.error_reporting import api_integrations, start_error_reporting
from entrypoints.http.auth import CookiePolicy, device, principal
from entrypoints.http.bodies import StrictJSONRequest
from entrypoints.http.controllers.assistant import AssistantController
from entrypoints.http.controllers.breathing import BreathingController
from entrypoints.http.controllers.calendar import CalendarController, DashboardController
from entrypoints.http.controllers.daily import DailyController
from entrypoints.http.controllers.email import NewsletterController
from entrypoints.http.controllers.feedback import FeaturesController, FeedbackController
from entrypoints.http.controllers.goals import GoalsController
from entrypoints.http.controllers.habits import HabitsController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.identity import AuthController, UsersController
from entrypoints.http.controllers.journal import JournalController
from entrypoints.http.controllers.metrics import metrics_controller
from entrypoints.http.controllers.mood import MoodController
from entrypoints.http.controllers.pomodoro import PomodoroController
from entrypoints.http.controllers.streaks import StreakController
from entrypoints.http.controllers.study import StudyController
from entrypoints.http.controllers.tokens import (
    JwksController,
    SessionCheckController,
    jwks_document,
)
from entrypoints.http.docs import docs_assets, docs_render_plugins
from entrypoints.http.forwarded import ProxyTrust
from entrypoints.http.gate import Gate, GateConfig, security_headers_hook
from entrypoints.http.gateway import GatewayOnly
from entrypoints.http.openapi import TAGS as OPENAPI_TAGS
from entrypoints.http.openapi import OperationDocs
from entrypoints.http.openapi import components as openapi_components
from entrypoints.http.problems import EXCEPTION_HANDLERS
from entrypoints.http.screens import STORE_NAME as SCREEN_STORE
from entrypoints.http.screens import ScreenChanges, ScreenStore, response_cache_config
from entrypoints.http.web import web_client_handler
from entrypoints.logging import configure_logging
from entrypoints.settings import Settings

log = structlog.get_logger("refocused.app")

API_ROUTE_HANDLERS: list[Any] = [
    AuthController,
    SessionCheckController,
    UsersController,
    JournalController,
    StudyController,
    PomodoroController,
    HabitsController,
    NewsletterController,
    FeedbackController,
    FeaturesController,
    AssistantController,
    BreathingController,
    DailyController,
    MoodController,
    GoalsController,
    StreakController,
    CalendarController,
    DashboardController,
]


#: Allocations between young-generation collections, and how many of those (then of the middle
#: ones) before an older one: CPython's defaults are 700, 10, 10.
GC_THRESHOLDS = (50_000, 50, 100)


def tune_garbage_collector() -> None:
    """Run once per worker, when the app has started: the tail of every route was the cyclic
    garbage collector. With CPython's thresholds a worker serving 1,500 requests/s ran a full
    collection over every object it holds (the framework's, SQLAlchemy's and the app's: most
    of them made at import and start-up, and never garbage) every few seconds, stopping all
    requests for tens of milliseconds: p99 104-146 ms against a p50 of 32-38 ms at 64
    connections (/auth/me, the dashboard; benchmarks/http/RESULTS.md), 45-55 ms with the
    collector off. So: what start-up made is frozen out of the collector's scans
    (`gc.freeze`), and collections come after more allocations; reference counting still frees
    everything that is not a cycle at once. Served apps only (`serve_app`): a test process
    that starts many apps keeps CPython's collector as it is."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve_app() -> Litestar:
    """The app as `refocused serve` runs it in each worker process (the ASGI servers' factory):
    `create_app` from the environment, with the worker's garbage collector tuned once started."""
    return create_app(tune_collector=True)


def create_app(
    settings: Settings | None = None,
    container: Application | None = None,
    *,
    tune_collector: bool = False,
) -> Litestar:
    settings = (settings or Settings.from_env()).with_local_secrets()
    configure_logging(settings.log_level, settings.log_format)
    if settings.sentry_dsn:
        # Before the app is built: the integration wraps what Litestar() assembles.
        start_error_reporting(settings.sentry_dsn, settings.sentry_environment, api_integrations())
    container = container or build_container(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = container.infrastructure.engine()
        if settings.migrate_on_start:
            await upgrade(engine)
        if tune_collector:
            tune_garbage_collector()
        log.info("app.started", profile=settings.profile)
        try:
            yield
        finally:
            await close_resources(container)
            log.info("app.stopped")

    api = Router(path="/api/v1", route_handlers=API_ROUTE_HANDLERS)
    plugins: list[Any] = []
    proxies = _proxy_trust(settings)
    screen_store = ScreenStore()
    screen_changes = ScreenChanges(container.infrastructure.screen_versions(), screen_store)
    # Before any identity service is built: the store tells of the accounts it changes.
    container.identity.account_changed.override(providers.Object(screen_changes.changed))
    middleware: list[Any] = [
        DefineMiddleware(Gate, config=_gate_config(container, proxies, screen_changes)),
    ]
    route_handlers: list[Any] = [api, HealthController, JwksController]
    if settings.serves_docs:
        route_handlers.extend(docs_assets())
        plugins.append(OperationDocs())
    web_dir = settings.web_client_dir
    if web_dir is not None:
        route_handlers.append(web_client_handler(web_dir))
    if settings.serves_metrics:
        from litestar.plugins.prometheus import PrometheusConfig

        from entrypoints.http.request_metrics import RouteSeriesPrometheusMiddleware

        prometheus = PrometheusConfig(
            app_name="refocused",
            group_path=True,
            middleware_class=RouteSeriesPrometheusMiddleware,
        )
        middleware.insert(0, prometheus.middleware)
        route_handlers.append(metrics_controller(settings.metrics_token))
    elif settings.metrics_enabled:
        log.warning("metrics.off", reason="production serves /metrics only with a token")
    if settings.gateway_token:
        # Outermost: a request that skipped the gateway is refused before anything runs.
        middleware.insert(0, DefineMiddleware(GatewayOnly, token=settings.gateway_token))
    if settings.otel_enabled:
        from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin

        plugins.append(OpenTelemetryPlugin(OpenTelemetryConfig()))

    return Litestar(
        route_handlers=route_handlers,
        dependencies=_dependencies(container, settings),
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=middleware,
        plugins=plugins,
        lifespan=[lifespan],
        openapi_config=_openapi(settings),
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        response_cache_config=response_cache_config(),
        stores={SCREEN_STORE: screen_store},
        cors_config=CORSConfig(
            allow_origins=list(settings.cors_origins),
            allow_credentials=True,
            allow_headers=[
                "Content-Type",
                "Authorization",
                "X-CSRF-Token",
                "X-Request-ID",
                "X-Journal-Grant",
            ],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
        if settings.cors_origins
        else None,
        before_send=[security_headers_hook(proxies)],
        request_max_body_size=settings.max_body_bytes,
        request_class=StrictJSONRequest,
        debug=False,
    )


def build_container(settings: Settings) -> Application:
    container = Application(settings=settings)
    wire_events(container)
    return container


def _gate_config(
    container: Application, proxies: ProxyTrust, screen_changes: ScreenChanges
) -> GateConfig:
    settings = container.settings()
    return GateConfig(
        identity=container.identity.sessions(),
        csrf=container.security.csrf(),
        checks=container.infrastructure.request_checks(),
        global_rate=container.security.global_rate(),
        proxies=proxies,
        sign_in_origins=_sign_in_origins(settings),
        max_in_flight=settings.max_requests_in_flight,
        queue_seconds=settings.request_queue_ms / 1000,
        request_scope=remembered_for_one_request,
        screens=screen_changes,
    )


def _proxy_trust(settings: Settings) -> ProxyTrust:
    return ProxyTrust.of(settings.proxy_hops, settings.client_ip_header, settings.trusted_proxies)


def _sign_in_origins(settings: Settings) -> frozenset[str]:
    """The CORS origins, and the public URL's origin (the API's own, seen from outside)."""
    origins = {origin.strip().lower().rstrip("/") for origin in settings.cors_origins}
    if settings.public_url:
        public = urlsplit(settings.public_url)
        origins.add(f"{public.scheme}://{public.netloc}".lower())
    return frozenset(origins)


def _dependencies(container: Application, settings: Settings) -> dict[str, Provide]:
    """Bridge container providers into Litestar's DI once, so handlers stay free of the
    container (dependency-injector's @inject clashes with Litestar's signature handling)."""

    def singleton(provider: Any) -> Provide:
        return Provide(lambda: provider(), use_cache=False, sync_to_thread=False)

    def service(provider: Any) -> Provide:
        """A domain service, resolved after `principal` (which it takes and ignores). Litestar
        resolves the dependencies of one level together in an anyio task group, about a third
        of a small authenticated read's CPU on one worker; a route taking `principal` and its
        service then resolves them one after the other, with no task group."""

        def provide(principal: NamedDependency[Principal | None]) -> Any:
            return provider()

        return Provide(provide, use_cache=False, sync_to_thread=False)

    async def engine() -> Any:
        return container.infrastructure.engine()

    async def cache_probe() -> Any:
        cache = container.infrastructure.cache()

        async def probe() -> None:
            await cache.get("ready-probe")

        return probe

    cookie_policy = CookiePolicy(
        secure=settings.cookies_secure, domain=settings.cookie_domain or None
    )
    return {
        **{name: service(provider) for name, provider in edge_providers(container)},
        "email_links_base": Provide(
            lambda: f"{settings.effective_public_url}/api/v1/email",
            use_cache=True,
            sync_to_thread=False,
        ),
        "assistant_stream_seconds": Provide(
            lambda: settings.assistant_stream_seconds, use_cache=True, sync_to_thread=False
        ),
        "csrf": singleton(container.security.csrf),
        "access_token_jwks": Provide(
            lambda: jwks_document(container.security.tokens().jwks),
            use_cache=True,
            sync_to_thread=False,
        ),
        "cookie_policy": Provide(lambda: cookie_policy, use_cache=True, sync_to_thread=False),
        "google_client_id": Provide(
            lambda: settings.google_client_ids[0] if settings.google_client_ids else None,
            use_cache=True,
            sync_to_thread=False,
        ),
        "principal": Provide(principal, sync_to_thread=False),
        "client_device": Provide(device, sync_to_thread=False),
        "engine": Provide(engine),
        "cache_probe": Provide(cache_probe),
    }


def _openapi(settings: Settings) -> OpenAPIConfig | None:
    if not settings.serves_docs:
        return None
    return OpenAPIConfig(
        title="ReFocused API",
        version="1.0.0",
        description=(
            "Browsers sign in with /api/v1/auth/login and then send cookies plus the "
            "X-CSRF-Token header on unsafe requests. Other clients get tokens from "
            "/api/v1/auth/token and send `Authorization: Bearer`. Errors are RFC 9457 problem "
            "details. Operations that need a signed-in user say so in their `security`."
        ),
        path="/schema",
        render_plugins=docs_render_plugins(),
        components=openapi_components(),
        tags=OPENAPI_TAGS,
        use_handler_docstrings=True,
    )


def openapi_document() -> str:
    """The OpenAPI document /schema/openapi.json serves, as indented JSON: what the web client
    generates its types from (entrypoints/web/openapi.json, kept in step by a test)."""
    import json
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(profile="embedded", docs_enabled=True, data_dir=Path(tmp))
        document = create_app(settings).openapi_schema.to_schema()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
