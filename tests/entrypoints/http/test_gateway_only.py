"""Deployed behind the API gateway, the API answers only requests that came through it: the
service's own URL is public, and a client calling it would skip the gateway's throttles and
could write its own client address."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from entrypoints.settings import Settings, SettingsError

TOKEN = "g" * 40


def test_a_request_without_the_gateways_header_is_refused_with_a_problem(
    serve: Callable[..., str],
) -> None:
    url = serve(gateway_token=TOKEN)
    direct = httpx.get(f"{url}/api/v1/daily/quote", timeout=10)
    assert direct.status_code == 403
    assert direct.headers["content-type"] == "application/problem+json"
    assert direct.json()["detail"] == "call the API at its public address, through the API gateway"
    assert TOKEN not in direct.text
    forged = httpx.get(
        f"{url}/api/v1/daily/quote", headers={"x-refocused-gateway": "g" * 39 + "h"}, timeout=10
    )
    assert forged.status_code == 403
    through = httpx.get(
        f"{url}/api/v1/daily/quote", headers={"x-refocused-gateway": TOKEN}, timeout=10
    )
    assert through.status_code == 200, through.text


def test_the_health_check_which_the_platform_sends_directly_stays_open(
    serve: Callable[..., str],
) -> None:
    url = serve(gateway_token=TOKEN)
    assert httpx.get(f"{url}/health", timeout=10).status_code == 200


def test_without_a_gateway_token_every_request_is_served(serve: Callable[..., str]) -> None:
    url = serve()
    assert httpx.get(f"{url}/api/v1/daily/quote", timeout=10).status_code == 200


def test_a_short_gateway_token_is_refused_at_start_up() -> None:
    with pytest.raises(SettingsError, match="REFOCUSED_GATEWAY_TOKEN"):
        Settings.from_env({"REFOCUSED_GATEWAY_TOKEN": "short"})
