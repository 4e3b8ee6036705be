"""The API's Lambda model client invoking the ai-handler through the real Lambda Invoke API
(boto3 over HTTP). The local endpoint runs the handler in-process, as Lambda would run it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from adapters.model_client.lambda_invoke import LambdaModelClient
from domains.assistant.model import ChatTurn, Role
from domains.shared.errors import Unavailable
from entrypoints.lambdas import ai_handler


class _Invoke(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        headers = {"Content-Type": "application/json"}
        try:
            result: Any = ai_handler.handler(payload)
        except Exception as e:
            result = {"errorMessage": str(e), "errorType": type(e).__name__}
            headers["X-Amz-Function-Error"] = "Unhandled"
        body = json.dumps(result).encode()
        self.send_response(200)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def lambda_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Invoke)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def client(endpoint: str) -> Any:
    return boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


TURNS = [ChatTurn(Role.SYSTEM, "Be brief."), ChatTurn(Role.USER, "Plan my morning")]


async def test_the_lambda_client_gets_the_ai_handlers_reply(
    model_bucket: Path, lambda_endpoint: str
) -> None:
    model = LambdaModelClient(client(lambda_endpoint), "refocused-ai-handler", max_new_tokens=8)
    await model.ensure_available()
    reply = await model.reply(TURNS)
    assert isinstance(reply, str)
    assert [piece async for piece in model.stream(TURNS)]


async def test_a_failing_function_is_503_for_the_user(lambda_endpoint: str) -> None:
    # No deployment: the handler has no model bucket configured and answers 503 itself.
    model = LambdaModelClient(client(lambda_endpoint), "refocused-ai-handler")
    with pytest.raises(Unavailable):
        await model.reply(TURNS)


async def test_an_unreachable_function_is_503(tmp_path: Path) -> None:
    model = LambdaModelClient(client("http://127.0.0.1:9"), "refocused-ai-handler")
    with pytest.raises(Unavailable):
        await model.reply(TURNS)
