"""ai-handler: the serving bundle (exported and published as `refocused model export
--upload` does) copied from S3 once per container and verified, replies to direct invokes (the
API's Lambda model client) and to API Gateway requests with history and the quota."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest

from entrypoints.lambdas import ai_handler
from model.bundle.store import S3BundleStore
from tests.entrypoints.lambdas.conftest import Deployment, SelfInvokes, access_token
from tests.entrypoints.lambdas.events import api_event


def invoke(messages: object) -> dict[str, object]:
    return ai_handler.handler({"action": "assistant.reply", "messages": messages})


def test_a_direct_invoke_downloads_the_bundle_once_and_replies(model_bucket: Path) -> None:
    result = invoke([{"role": "user", "content": "Plan my morning"}])
    assert result["statusCode"] == 200, result
    assert isinstance(result["reply"], str)
    assert (model_bucket / "manifest.json").is_file()
    weights = model_bucket / "model.safetensors"
    first_download = weights.stat().st_mtime_ns
    assert invoke([{"role": "user", "content": "again"}])["statusCode"] == 200
    assert weights.stat().st_mtime_ns == first_download


def corrupt_the_published_weights() -> None:
    s3 = boto3.client("s3")  # the environment points it at the local server
    bucket, key = os.environ["MODEL_BUCKET"], "models/model.safetensors"
    weights = bytearray(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    weights[len(weights) // 2] ^= 0xFF
    s3.put_object(Bucket=bucket, Key=key, Body=bytes(weights))


def test_a_corrupted_bundle_is_a_503_until_a_good_one_is_published(
    deployment: Deployment, bundle: Path, model_bucket: Path
) -> None:
    corrupt_the_published_weights()
    result = invoke([{"role": "user", "content": "Plan my morning"}])
    assert result["statusCode"] == 503 and "model" in str(result["error"])
    # The container is not stuck: once a good bundle is published, the next request loads it.
    S3BundleStore(os.environ["MODEL_BUCKET"], "models", client=deployment.aws.client("s3")).put(
        bundle
    )
    assert invoke([{"role": "user", "content": "Plan my morning"}])["statusCode"] == 200


def test_a_corrupted_bundle_is_logged_with_its_cause_and_without_the_prompt(
    model_bucket: Path, tmp_path: Path
) -> None:
    corrupt_the_published_weights()
    secret_prompt = f"my diary says {uuid.uuid4().hex}"
    done = run_in_a_fresh_container(
        tmp_path,
        [{"action": "assistant.reply", "messages": [{"role": "user", "content": secret_prompt}]}],
        "assert ai_handler.handler(events[0])['statusCode'] == 503\n",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "assistant.model_unavailable" in done.stderr
    assert "BundleIntegrityError: bundle file model.safetensors fails its sha256" in done.stderr
    assert secret_prompt not in done.stderr + done.stdout


@pytest.mark.parametrize(
    "event",
    [
        {"action": "assistant.reply", "messages": []},
        {"action": "assistant.reply", "messages": [{"role": "robot", "content": "x"}]},
        {"action": "assistant.reply", "messages": "hello"},
        {"action": "something.else"},
    ],
)
def test_a_bad_direct_invoke_is_a_400_with_a_reason(model_bucket: Path, event: object) -> None:
    result = ai_handler.handler(event)
    assert result["statusCode"] == 400 and result["error"]


def call(
    method: str, path: str, token: str, body: object = None, key: str | None = None
) -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {"idempotency-key": key} if key else None
    response = ai_handler.handler(api_event(method, path, body=body, token=token, headers=headers))
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else {}


def test_a_message_over_the_gateway_is_answered_at_once_and_run_in_the_background(
    model_bucket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gateway ends a request at 30 s and the model may need minutes: the route answers
    202 with the reply job, the function runs it in an asynchronous call to itself, and a
    message sent again with its key finds the same job and runs nothing twice."""
    invokes = SelfInvokes(monkeypatch)
    _, token = access_token()
    status, conversation = call("POST", "/ai/conversations", token, {"title": ""})
    assert status == 201, conversation
    path = f"/ai/conversations/{conversation['id']}/messages"
    assert call("POST", path, token, {"content": "hi"})[0] == 400  # no Idempotency-Key
    for remaining, key in ((1, "first"), (0, "second")):
        status, job = call("POST", path, token, {"content": "hi"}, key=key)
        assert status == 202 and job["status"] == "pending", job
        assert job["quota"]["remaining"] == remaining  # counting this message
        again = call("POST", path, token, {"content": "hi"}, key=key)
        assert again[0] == 202 and again[1]["id"] == job["id"]
        invokes.deliver()  # two deliveries (one per POST): the second finds the job claimed
        status, done = call("GET", f"/ai/replies/{job['id']}", token)
        assert status == 200 and done["status"] == "done" and done["reply"], done
    status, refused = call("POST", path, token, {"content": "hi"}, key="third")
    assert status == 429 and refused["resets_at"].endswith("T00:00:00+00:00")
    status, quota = call("GET", "/ai/quota", token)
    assert (quota["used"], quota["remaining"], quota["day"]) == (2, 0, "UTC")
    status, detail = call("GET", f"/ai/conversations/{conversation['id']}", token)
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"] * 2


def test_another_users_conversation_is_404(
    model_bucket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    SelfInvokes(monkeypatch)
    _, owner = access_token()
    _, stranger = access_token()
    _, conversation = call("POST", "/ai/conversations", owner, {"title": "mine"})
    path = f"/ai/conversations/{conversation['id']}"
    assert call("GET", path, stranger)[0] == 404
    assert call("POST", f"{path}/messages", stranger, {"content": "hi"}, key="k")[0] == 404
    assert call("DELETE", path, stranger)[0] == 404
    assert call("GET", path, owner)[0] == 200
    assert call("DELETE", path, owner)[0] == 204
    assert call("GET", path, owner)[0] == 404


def test_without_a_model_bundle_the_reply_is_503(
    deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = deployment.aws.client("s3")
    bucket = f"empty-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    monkeypatch.setenv("MODEL_BUCKET", bucket)
    monkeypatch.setenv("REFOCUSED_MODEL_DIR", str(tmp_path / "model"))
    ai_handler.cold_start.reset()
    result = invoke([{"role": "user", "content": "hi"}])
    assert result["statusCode"] == 503 and "model" in str(result["error"])


def test_prompts_never_reach_the_logs(model_bucket: Path, tmp_path: Path) -> None:
    """Run as in a fresh container (its own process), with logging at DEBUG."""
    secret_prompt = f"my diary says {uuid.uuid4().hex}"
    _, token = access_token()
    events = [
        api_event("POST", "/ai/conversations", body={"title": ""}, token=token),
        api_event(
            "POST",
            "/ai/conversations/ID/messages",
            body={"content": secret_prompt},
            token=token,
            headers={"idempotency-key": "k1"},
        ),
        {"action": "assistant.reply", "messages": [{"role": "user", "content": secret_prompt}]},
    ]
    script = (
        "import os\n"
        "from adapters.model_client import jobs\n"
        "sent = []\n"
        "async def start(self, job, run):\n"
        "    sent.append({'action': jobs.RUN_ACTION, 'user_id': job.user_id, 'reply_id': job.id})\n"
        "jobs.LambdaReplyRunner.start = start\n"
        "os.environ['AWS_LAMBDA_FUNCTION_NAME'] = 'refocused-test-ai-handler'\n"
        "start_event, send, direct = events\n"
        "conversation = json.loads(ai_handler.handler(start_event)['body'])\n"
        "send['rawPath'] = send['rawPath'].replace('ID', conversation['id'])\n"
        "assert ai_handler.handler(send)['statusCode'] == 202\n"
        "assert ai_handler.handler(sent[0])['statusCode'] == 200\n"
        "assert ai_handler.handler(direct)['statusCode'] == 200\n"
    )
    done = run_in_a_fresh_container(tmp_path, events, script)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "lambda.request" in done.stderr and "assistant.reply" in done.stderr
    assert secret_prompt not in done.stderr + done.stdout


def run_in_a_fresh_container(
    tmp_path: Path, events: list[dict[str, object]], script: str
) -> subprocess.CompletedProcess[str]:
    """`script` in a process of its own (logging configured from scratch, at DEBUG), with
    `ai_handler`, `json` and the `events` list at hand."""
    (tmp_path / "events.json").write_text(json.dumps(events))
    prelude = (
        "import json, sys\n"
        "from entrypoints.lambdas import ai_handler\n"
        "events = json.load(open(sys.argv[1]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + script, str(tmp_path / "events.json")],
        env={**os.environ, "REFOCUSED_LOG_LEVEL": "DEBUG"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


class KeptStarts:
    """The API's side of a job: it would invoke this function asynchronously."""

    def __init__(self) -> None:
        self.started: list[object] = []

    async def start(self, job: object, run: object) -> None:
        self.started.append(job)


def test_a_reply_job_runs_the_model_once_however_often_it_is_delivered(
    model_bucket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = ai_handler.cold_start.get()
    service = services.assistant
    service.runner = KeptStarts()
    runs: list[int] = []
    stream = services.model.stream

    def counting(turns: object) -> object:
        runs.append(1)
        return stream(turns)  # type: ignore[arg-type]

    monkeypatch.setattr(services.model, "stream", counting)
    user = f"user-{uuid.uuid4().hex[:8]}"
    conversation = ai_handler.cold_start.run(service.start(user))
    submitted = ai_handler.cold_start.run(
        service.submit(user, conversation.id, "Plan my morning", key="key-1")
    )
    event = {"action": "assistant.run", "user_id": user, "reply_id": submitted.job.id}
    first = ai_handler.handler(event)
    again = ai_handler.handler(event)  # Lambda delivers an asynchronous event twice
    assert first == {"statusCode": 200, "ran": True, "status": "done"}, first
    assert again == {"statusCode": 200, "ran": False}
    assert len(runs) == 1
    progress = ai_handler.cold_start.run(service.progress(user, submitted.job.id))
    assert progress.reply is not None and progress.job.pieces >= 1
    assert ai_handler.cold_start.run(service.quota(user)).used == 1


def test_a_reply_job_whose_model_cannot_load_fails_and_costs_nothing(
    deployment: Deployment, model_bucket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corrupt_the_published_weights()
    services = ai_handler.cold_start.get()
    service = services.assistant
    service.runner = KeptStarts()

    async def as_the_api_sees_it() -> None:  # the API's Lambda client checks no model
        return None

    monkeypatch.setattr(services.model, "ensure_available", as_the_api_sees_it)
    user = f"user-{uuid.uuid4().hex[:8]}"
    conversation = ai_handler.cold_start.run(service.start(user))
    submitted = ai_handler.cold_start.run(
        service.submit(user, conversation.id, "Plan my morning", key="key-1")
    )
    result = ai_handler.handler(
        {"action": "assistant.run", "user_id": user, "reply_id": submitted.job.id}
    )
    assert result == {"statusCode": 200, "ran": True, "status": "failed"}
    assert ai_handler.cold_start.run(service.quota(user)).used == 0
