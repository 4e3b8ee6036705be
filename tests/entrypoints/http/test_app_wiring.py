"""Wiring rules of the app factory that, broken, turn client errors into server errors."""

from __future__ import annotations

import gc
import inspect
from collections.abc import Callable
from typing import Any, get_args

import msgspec
from litestar import Litestar

from entrypoints.http.app import GC_THRESHOLDS, create_app
from entrypoints.settings import Settings


def _body_fields(annotation: Any) -> set[str]:
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return set(annotation.__struct_fields__)
    fields: set[str] = set()
    for argument in get_args(annotation):
        fields |= _body_fields(argument)
    return fields


def test_no_dependency_is_named_like_a_request_body_field(
    make_settings: Callable[..., Settings],
) -> None:
    """Litestar reports a body field's validation error under the field's bare name; if a
    dependency has that name, the error is taken for a server fault and answered with a 500."""
    app: Litestar = create_app(make_settings())
    dependency_names = set(app.dependencies)
    clashes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None:
                continue
            names = set(handler.resolve_dependencies()) | dependency_names
            for field in _body_fields(data.annotation) & names:
                clashes.append(f"{handler.handler_name}: body field {field!r}")
    assert clashes == []


def test_no_request_work_is_sent_to_a_thread(make_settings: Callable[..., Settings]) -> None:
    """A sync guard, dependency or handler runs in Litestar's thread pool unless it says
    otherwise: a thread hop, two wake-ups and a future per call. The app-wide guard ran so on
    every API request (at 1,300 requests/s one worker spent a tenth of its time handing it to a
    thread and back), so nothing on a route's path may."""
    app: Litestar = create_app(
        make_settings(metrics_enabled=True, metrics_token="m" * 40, docs_enabled=True)
    )
    in_threads = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            name = f"{sorted(getattr(handler, 'http_methods', []))} {route.path}"
            for layer in handler.ownership_layers:
                for guard in layer.guards or ():
                    if not inspect.iscoroutinefunction(guard):
                        in_threads.append(f"{name}: guard {guard.__name__}")
            for key, provide in handler.resolve_dependencies().items():
                if provide.has_sync_callable and provide.sync_to_thread is not False:
                    in_threads.append(f"{name}: dependency {key}")
            if getattr(handler, "has_sync_callable", False) and handler.sync_to_thread:
                in_threads.append(f"{name}: handler {handler.handler_name}")
    assert in_threads == []


def test_a_started_worker_keeps_the_garbage_collector_off_its_start_up_objects(
    serve: Callable[..., str],
) -> None:
    """The collector's full passes over start-up objects were the tail of every route."""
    serve()
    assert gc.get_threshold() == GC_THRESHOLDS
    assert gc.get_freeze_count() > 10_000  # the framework, the app and their imports
