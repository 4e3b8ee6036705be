"""A local AWS-compatible server (moto in server mode) for the serverless services' tests:
DynamoDB, SES v2, SNS, S3 and Secrets Manager over real HTTP on a free loopback port.

moto never expires TTL items; nothing in the code relies on it doing so."""

from __future__ import annotations

import json
import logging
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from adapters.dynamodb.table import DynamoTable, create_table
from tests.support.servers import free_port

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass(frozen=True)
class LocalAws:
    endpoint: str

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION, **CREDENTIALS)

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


def start_local_aws() -> Iterator[LocalAws]:
    # One access-log line per AWS call would bury the failures pytest reports.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield LocalAws(f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAws]:
    yield from start_local_aws()
