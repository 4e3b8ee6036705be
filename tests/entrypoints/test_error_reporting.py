"""Errors reach Sentry when a DSN is set, and nothing a user must keep private goes with them.

The events are the ones sentry_sdk really builds and would send (its Litestar integration for
the API, the Lambdas' shared wrapper for the functions), caught by a transport of the test's
own instead of the network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sentry_sdk
from litestar.testing import TestClient
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from domains.journal.entries import EntryService
from entrypoints.error_reporting import FILTERED, scrub
from entrypoints.http.app import create_app
from entrypoints.lambdas.runtime import ColdStart, answer_config_errors
from entrypoints.settings import Settings
from tests.conftest import TEST_KEK, TEST_SECRET
from tests.entrypoints.lambdas.events import api_event
from tests.support.users import tokens_in_process

DSN = "https://public@o0.ingest.sentry.example/1"
PASSWORD = "correct horse battery"
DIARY = "the thing I cannot say out loud"
CSRF = "csrf-value-0123456789"
GRANT = "grant-value-0123456789"


class CapturingTransport(Transport):
    """Keeps every event sentry_sdk hands to its transport."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        for item in envelope.items:
            event = item.get_event()
            if event is not None:
                self.events.append(dict(event))


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[CapturingTransport]:
    """Every sentry_sdk.init the code makes gets this transport; the client is closed after."""
    transport = CapturingTransport()
    real_init = sentry_sdk.init
    monkeypatch.setattr(
        sentry_sdk, "init", lambda *a, **kw: real_init(*a, **kw, transport=transport)
    )
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(
        data_dir=tmp_path,
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        log_format="console",
        log_level="ERROR",
        **overrides,
    )


def _signed_in(client: TestClient[Any]) -> dict[str, str]:
    return tokens_in_process(client, "writer@example.com")


async def _storage_fails(self: Any, user_id: str, collection_id: str, draft: Any, *_: Any) -> Any:
    """The journal's store fails, with an error that quotes the entry (as a driver's may)."""
    raise RuntimeError(f"could not store {draft.content} in {collection_id}")


def test_an_api_error_on_a_journal_route_is_reported_without_the_entry_or_credentials(
    tmp_path: Path, sent: CapturingTransport, monkeypatch: pytest.MonkeyPatch
):
    app = create_app(_settings(tmp_path, sentry_dsn=DSN, sentry_environment="staging"))
    with TestClient(app, raise_server_exceptions=False) as client:
        tokens = _signed_in(client)
        auth = {"Authorization": f"Bearer {tokens['access']}"}
        r = client.post("/api/v1/journal/collections", json={"name": "Diary"}, headers=auth)
        assert r.status_code == 201, r.text
        collection = r.json()["id"]
        monkeypatch.setattr(EntryService, "create_entry", _storage_fails)
        client.cookies.set("rf_refresh", tokens["refresh"])
        client.cookies.set("rf_csrf", CSRF)
        r = client.post(
            "/api/v1/journal/entries",
            json={
                "collection_id": collection,
                "title": "Tuesday",
                "content": {"ops": [{"insert": DIARY + "\n"}]},
            },
            headers={
                **auth,
                "X-CSRF-Token": CSRF,
                "X-Journal-Grant": GRANT,
            },
        )
    assert r.status_code == 500

    (event,) = sent.events
    assert event["environment"] == "staging"
    (error,) = event["exception"]["values"]
    assert error["type"] == "RuntimeError"
    assert event["request"]["url"].endswith("/api/v1/journal/entries")
    assert "data" not in event["request"] and "cookies" not in event["request"]
    headers = {k.lower(): v for k, v in event["request"]["headers"].items()}
    for header in ("authorization", "x-csrf-token", "x-journal-grant", "cookie"):
        assert headers.get(header, FILTERED) == FILTERED, header
    everything = json.dumps(event)
    for private in (DIARY, tokens["access"], tokens["refresh"], CSRF, GRANT):
        assert private not in everything


def test_the_api_without_a_dsn_does_not_start_sentry(
    tmp_path: Path, sent: CapturingTransport, monkeypatch: pytest.MonkeyPatch
):
    create_app(_settings(tmp_path))
    assert not sentry_sdk.get_client().is_active()
    assert sent.events == []


def _lambda_handler(fail: Exception) -> Any:
    cold_start: ColdStart[str] = ColdStart(lambda settings: "built")

    @answer_config_errors
    def handler(event: Any, context: Any = None) -> dict[str, Any]:
        cold_start.get()
        raise fail

    return handler


def _context() -> SimpleNamespace:
    return SimpleNamespace(aws_request_id="lambda-1")


def test_a_function_that_raises_reports_the_error_scrubbed(
    sent: CapturingTransport, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("REFOCUSED_SENTRY_DSN", DSN)
    monkeypatch.setenv("REFOCUSED_SENTRY_ENVIRONMENT", "prod")
    token = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
    handler = _lambda_handler(RuntimeError(f"the API refused Bearer {token}"))
    event = api_event(
        "POST",
        "/feedback",
        body={"category": "idea", "text": "hi", "password": PASSWORD},
        token=token,
    )
    event["headers"]["cookie"] = "rf_access=abc"
    event["rawQueryString"] = "token=link-token-123&page=2"
    with pytest.raises(RuntimeError):
        handler(event, _context())

    (reported,) = sent.events
    assert reported["environment"] == "prod"
    assert reported["exception"]["values"][0]["type"] == "RuntimeError"
    request = reported["request"]
    assert request["headers"]["authorization"] == FILTERED
    assert request["headers"]["cookie"] == FILTERED
    assert "page=2" in request["query_string"] and "link-token-123" not in request["query_string"]
    everything = json.dumps(reported)
    for private in (token, PASSWORD, "link-token-123", "rf_access=abc"):
        assert private not in everything


def test_a_function_without_a_dsn_reports_nothing(
    sent: CapturingTransport, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("REFOCUSED_SENTRY_DSN", raising=False)
    with pytest.raises(RuntimeError):
        _lambda_handler(RuntimeError("boom"))({"Records": []}, _context())
    assert not sentry_sdk.get_client().is_active()
    assert sent.events == []


def test_the_scrubber_filters_credentials_wherever_they_stand():
    event = scrub(
        {
            "request": {
                "url": "https://api.example/api/v1/auth/login",
                "data": {"email": "a@example.com", "password": PASSWORD, "nested": [{"otp": 1}]},
                "query_string": "redirect=/home&csrf_token=abc",
                "cookies": {"rf_access": "x"},
            },
            "extra": {"refresh_token": "r", "count": 2},
            "breadcrumbs": {"values": [{"message": "sent Bearer abc.def", "data": {"secret": 1}}]},
            "user": {"id": "u1", "ip_address": "203.0.113.7", "email": "a@example.com"},
            "exception": {"values": [{"value": "bad", "stacktrace": {"frames": [{"vars": {}}]}}]},
        }
    )
    assert event["request"]["data"]["password"] == FILTERED
    assert event["request"]["data"]["email"] == "a@example.com"
    assert "abc" not in event["request"]["query_string"]
    assert "cookies" not in event["request"]
    assert event["extra"] == {"refresh_token": FILTERED, "count": 2}
    assert "abc.def" not in event["breadcrumbs"]["values"][0]["message"]
    assert event["user"] == {"id": "u1"}
    assert "vars" not in event["exception"]["values"][0]["stacktrace"]["frames"][0]
