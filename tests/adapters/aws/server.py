"""A local AWS-compatible server (moto in server mode) for the serverless services' tests:
DynamoDB, SES v2, SNS, S3 and Secrets Manager over real HTTP on a free loopback port.

moto never expires TTL items; nothing in the code relies on it doing so."""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from adapters.dynamodb.table import DynamoTable, create_table
from tests.support.servers import free_port

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# Throttling or a transient 500 from the local server is retried, as AWS SDKs do.
_RETRIES = Config(retries={"max_attempts": 10, "mode": "standard"})


@dataclass(frozen=True)
class LocalAws:
    endpoint: str

    def client(self, service: str) -> Any:
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=REGION, config=_RETRIES, **CREDENTIALS
        )

    def new_table(self, prefix: str = "t") -> DynamoTable:
        name = f"{prefix}-{uuid.uuid4().hex[:10]}"
        client = self.client("dynamodb")
        create_table(client, name)
        return DynamoTable(client, name)

    def data(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=10) as r:
            return dict(json.load(r))

    def sent_mail(self, recipient: str) -> list[str]:
        """Raw MIME of every message SES accepted for `recipient`."""
        raw = self.data().get("ses", {}).get("RawMessage", [])
        return [m["raw_data"] for m in raw if recipient in m.get("destinations", [])]

    def environment(self) -> dict[str, str]:
        """What a Lambda's environment needs to reach this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        }


class _OneRequestAtATime:
    """moto's backends are not thread-safe: two DynamoDB transactions handled at once can
    lose an update (moto snapshots the table to roll a failed transaction back, and the
    snapshot overwrites a concurrent commit). DynamoDB itself serialises conflicting
    transactions; handling one request at a time gives moto the same semantics, while clients
    still send their requests concurrently."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))


class SerialisedMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = _OneRequestAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


def start_local_aws() -> Iterator[LocalAws]:
    # One access-log line per AWS call would bury the failures pytest reports.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = SerialisedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield LocalAws(f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAws]:
    yield from start_local_aws()
