"""Each log line of an invocation says which invocation it belongs to, and whether the
container was cold: what an operator filters CloudWatch Logs Insights by."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
import structlog

from entrypoints.lambdas.runtime import answer_config_errors
from entrypoints.logging import configure_logging
from tests.entrypoints.lambdas.events import api_event


def _lines(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_every_line_carries_the_invocation_the_gateway_request_and_cold_start(
    capsys: pytest.CaptureFixture[str],
):
    configure_logging("INFO", "json")
    log = structlog.get_logger("test.invocation")

    @answer_config_errors
    def handler(event: Any, context: Any = None) -> dict[str, Any]:
        log.info("work.done")
        return {"statusCode": 200}

    event = api_event("GET", "/feedback/features")
    event["requestContext"]["requestId"] = "gw-1"
    handler(event, SimpleNamespace(aws_request_id="lambda-1"))
    handler({"Records": []}, SimpleNamespace(aws_request_id="lambda-2"))
    log.info("between.invocations")

    first, second, after = _lines(capsys.readouterr().err)
    assert (first["lambda_request_id"], first["request_id"], first["cold_start"]) == (
        "lambda-1",
        "gw-1",
        True,
    )
    assert (second["lambda_request_id"], second["request_id"], second["cold_start"]) == (
        "lambda-2",
        None,
        False,
    )
    assert "lambda_request_id" not in after and "cold_start" not in after
