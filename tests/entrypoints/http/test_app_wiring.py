"""Wiring rules of the app factory that, broken, turn client errors into server errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import msgspec
from litestar import Litestar

from entrypoints.http.app import create_app
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
