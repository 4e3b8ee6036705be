"""boto3 clients, built by the composition root only (never at import time)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# Short timeouts and a few retries: a request waiting on AWS should fail fast, not hang.
_CONFIG = Config(
    connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}
)


def aws_client(service: str, endpoint_url: str = "", region: str = "us-east-1") -> Any:
    return boto3.client(
        service, endpoint_url=endpoint_url or None, region_name=region, config=_CONFIG
    )
