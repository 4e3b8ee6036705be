"""boto3 clients, built by the composition root only (never at import time)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# Short timeouts and a few retries: a request waiting on AWS should fail fast, not hang.
_CONFIG = Config(
    connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}
)


#: A synchronous Invoke of the ai-handler runs the model once per request; botocore's retries
#: and a read timeout shorter than the function's own would each start the model again while
#: the first run goes on (a 25 s reply under the 20 s timeout above was four runs). Lambda ends
#: a function at 900 s at most: wait that long, once.
MODEL_INVOKE_CONFIG = Config(
    connect_timeout=3, read_timeout=905, retries={"total_max_attempts": 1, "mode": "standard"}
)


def aws_client(
    service: str, endpoint_url: str = "", region: str = "us-east-1", config: Config = _CONFIG
) -> Any:
    return boto3.client(
        service, endpoint_url=endpoint_url or None, region_name=region, config=config
    )
