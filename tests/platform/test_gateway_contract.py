"""The gateway against the code behind it: every route a handler or the API serves is reached
through the HTTP API (and reaches that unit), and a preflight for whatever the API lets the web
client send is answered by the gateway, which answers every preflight itself."""

from __future__ import annotations

import importlib
import re

import pytest
from conftest import cached_run
from deployed_units import api_environment, matching_route, routes
from infra_harness import STACKS

MODULES = ("email_api", "feedback_api", "ai_handler")
_PARAMETER = re.compile(r"\(\?P<\w+>[^)]*\)")


def function_routes(module: str) -> list[tuple[str, str]]:
    """(method, an example path) for every route the handler's router serves."""
    router = importlib.import_module(f"entrypoints.lambdas.{module}").router
    return [
        (method, _PARAMETER.sub("x1", regex.pattern).strip("^$"))
        for method, regex, _ in router._routes
    ]


def api_app(stack: str):
    from entrypoints.http.app import create_app
    from entrypoints.settings import Settings

    return create_app(Settings.from_env(api_environment(cached_run(stack))))


@pytest.mark.parametrize("stack", STACKS)
def test_every_route_a_function_serves_reaches_it_through_the_gateway(stack: str):
    declared = routes(cached_run(stack))
    unreachable = []
    for module in MODULES:
        for method, path in function_routes(module):
            key = matching_route(list(declared), method, path)
            if key is None or declared[key] != module:
                unreachable.append(f"{method} {path} -> {key and declared[key]}")
    assert unreachable == []


@pytest.mark.parametrize("stack", STACKS)
def test_every_route_the_api_serves_reaches_it_through_the_gateway(stack: str):
    declared = routes(cached_run(stack))
    checked, unreachable = 0, []
    for route in api_app(stack).routes:
        path = re.sub(r"\{[^}]+\}", "x1", route.path)
        for method in sorted(getattr(route, "methods", {"GET"}) - {"OPTIONS", "HEAD"}):
            key = matching_route(list(declared), method, path)
            checked += 1
            if key is None or declared[key] != "api":
                unreachable.append(f"{method} {path} -> {key and declared[key]}")
    assert checked > 50
    assert unreachable == []


@pytest.mark.parametrize("stack", STACKS)
def test_a_preflight_for_what_the_api_lets_the_client_send_is_answered(stack: str):
    cors = cached_run(stack).named("serverless-http-api").inputs["corsConfiguration"]
    app_cors = api_app(stack).cors_config
    assert app_cors is not None, "the API allows no origin"
    assert list(app_cors.allow_origins) == cors["allowOrigins"]
    assert {h.lower() for h in app_cors.allow_headers} <= set(cors["allowHeaders"])
    assert {h.lower() for h in app_cors.expose_headers} <= set(cors["exposeHeaders"])
