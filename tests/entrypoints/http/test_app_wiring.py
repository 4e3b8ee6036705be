"""Wiring rules of the app factory that, broken, turn client errors into server errors."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import msgspec
from litestar import Litestar

from entrypoints.cli import main as cli_main
from entrypoints.http.app import GC_THRESHOLDS, create_app
from entrypoints.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


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


_SERVED_WORKER = """
import gc, json
from litestar.testing import TestClient
from entrypoints.http.app import serve_app
before = list(gc.get_threshold())
with TestClient(serve_app()):
    print(json.dumps([before, list(gc.get_threshold()), gc.get_freeze_count()]))
"""


def test_a_served_worker_keeps_the_garbage_collector_off_its_start_up_objects(
    tmp_path: Path,
) -> None:
    """The collector's full passes over start-up objects were the tail of every route. Run in
    a process of its own, as a worker is: the test process keeps CPython's collector."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("REFOCUSED_")}
    environ.update(REFOCUSED_DATA_DIR=str(tmp_path / "data"), REFOCUSED_LOG_LEVEL="WARNING")
    run = subprocess.run(
        [sys.executable, "-c", _SERVED_WORKER],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    before, after, frozen = json.loads(run.stdout.strip().splitlines()[-1])
    assert before == [700, 10, 10] and after == list(GC_THRESHOLDS)
    assert frozen > 10_000  # the framework, the app and their imports


def test_refocused_serve_runs_the_served_app_on_either_server() -> None:
    source = inspect.getsource(cli_main.serve.callback)  # type: ignore[arg-type]
    assert source.count('"entrypoints.http.app:serve_app"') == 2
    assert "create_app" not in source
