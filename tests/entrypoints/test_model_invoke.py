"""The API's assistant through the ai-handler: one invoke, one run of the model, per reply.

A local HTTP server plays Lambda's Invoke endpoint and counts the calls. botocore's default
retries (and a read timeout shorter than the function's) each start the model again while the
first run goes on; the client the composition root builds must make exactly one call.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from domains.assistant.model import ChatTurn, Role
from domains.shared.errors import Unavailable
from entrypoints.http.app import build_container
from entrypoints.settings import Settings


class FakeLambda(ThreadingHTTPServer):
    def __init__(self, status: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = status
        self.invocations = 0


class _Handler(BaseHTTPRequestHandler):
    server: FakeLambda

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.invocations += 1
        if self.server.status == 200:
            body = json.dumps({"reply": "Take a five-minute break."}).encode()
        else:  # Lambda's own "try again" answer, which botocore retries by default
            body = json.dumps({"Type": "Service", "message": "Rate exceeded"}).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        if self.server.status != 200:
            self.send_header("x-amzn-ErrorType", "TooManyRequestsException")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def fake_lambda(request: pytest.FixtureRequest) -> Iterator[FakeLambda]:
    server = FakeLambda(request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def _model(server: FakeLambda, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    settings = Settings(
        assistant_backend="lambda",
        assistant_function="refocused-ai-handler",
        assistant_table="refocused-assistant",
        aws_endpoint_url=f"http://127.0.0.1:{server.server_address[1]}",
    )
    return build_container(settings).assistant.model()


TURNS = [ChatTurn(Role.USER, "I keep putting off my reading.")]


@pytest.mark.parametrize("fake_lambda", [200], indirect=True)
def test_a_reply_is_one_invoke(fake_lambda: FakeLambda, monkeypatch: pytest.MonkeyPatch):
    reply = asyncio.run(_model(fake_lambda, monkeypatch).reply(TURNS))
    assert reply == "Take a five-minute break."
    assert fake_lambda.invocations == 1


@pytest.mark.parametrize("fake_lambda", [429], indirect=True)
def test_a_refused_invoke_is_not_sent_again(
    fake_lambda: FakeLambda, monkeypatch: pytest.MonkeyPatch
):
    with pytest.raises(Unavailable):
        asyncio.run(_model(fake_lambda, monkeypatch).reply(TURNS))
    assert fake_lambda.invocations == 1


def test_the_invoke_waits_as_long_as_a_function_may_run(monkeypatch: pytest.MonkeyPatch):
    # Lambda ends a function at 900 s at most; giving up sooner would leave the model running
    # with nobody to take its reply, and the user's retry would start a second run.
    server = FakeLambda(200)
    try:
        client = _model(server, monkeypatch)._client
        assert client.meta.config.read_timeout >= 900
        assert client.meta.config.retries["total_max_attempts"] == 1
    finally:
        server.server_close()


def test_the_api_checks_the_quota_where_the_ai_handler_spends_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The function charges a reply in the assistant table when it is done: a quota the API
    # kept elsewhere (Redis) would never see those charges.
    from adapters.dynamodb.rate_limit import DynamoDbRateLimiter
    from entrypoints.composition.lambdas import LambdaSettings, assistant

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    settings = Settings(
        assistant_backend="lambda",
        assistant_function="refocused-ai-handler",
        assistant_table="refocused-assistant",
    )
    api = build_container(settings).assistant.service()
    function = assistant(
        LambdaSettings(assistant_table="refocused-assistant"),
        model=None,  # type: ignore[arg-type]
    )
    assert isinstance(api.limiter, DynamoDbRateLimiter)
    assert isinstance(function.limiter, DynamoDbRateLimiter)
    assert api.limiter._table.name == function.limiter._table.name
