"""docs/api.md, the guide for client developers, names only routes the API serves."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from entrypoints.http.app import create_app
from entrypoints.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "api.md"
OUTSIDE_THE_API = ("/health", "/ready", "/metrics", "/schema", "/.well-known/")
#: The web client's pages that mailed links open: the guide says the API does not serve them.
WEB_CLIENT_PAGES = {"/verify-email", "/reset-password"}


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/"))


def test_every_route_the_guide_names_is_served(make_settings: Callable[..., Settings]) -> None:
    served = {_shape(route.path) for route in create_app(make_settings()).routes}
    named = set(re.findall(r"(?:GET|POST|PATCH|PUT|DELETE) (/[\w\-./{}]+)", GUIDE.read_text()))
    named |= set(re.findall(r"`(/[a-z][\w\-./{}]*)`", GUIDE.read_text()))
    assert len(named) > 25
    missing = []
    for path in named - WEB_CLIENT_PAGES:
        if path.startswith("/api/v1"):  # a prefix the guide explains, not a route
            continue
        full = path if path.startswith(OUTSIDE_THE_API) else "/api/v1" + path
        if _shape(full.replace("...", "")) not in served and not path.startswith("/schema"):
            missing.append(path)
    assert not missing, f"docs/api.md names routes the API does not serve: {sorted(missing)}"


def test_the_mailed_links_are_said_to_be_the_web_clients_pages() -> None:
    guide = GUIDE.read_text()
    assert "/verify-email?token=" in guide and "/reset-password?token=" in guide
    assert "routes of the web client, not of the API" in guide


def test_the_readme_links_the_guide() -> None:
    assert "(docs/api.md)" in (ROOT / "README.md").read_text()
