"""The assistant over real HTTP: the embedded profile with no model (503), and with the
project's model in-process from a tiny real checkpoint (replies, streaming, the quota)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from domains.shared.ids import new_id
from tests.adapters.model_client.checkpoint import make_tiny_checkpoint
from tests.support.users import BearerUser, bearer_user

BASE = "/api/v1/assistant"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture
def model_url(serve: Callable[..., str], checkpoint: Path) -> str:
    return serve(
        assistant_backend="in_process",
        assistant_checkpoint=str(checkpoint),
        assistant_daily_messages=3,
        assistant_max_new_tokens=16,
    )


def start(user: BearerUser, title: str = "") -> str:
    r = user.client.post(f"{BASE}/conversations", json={"title": title}, headers=user.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_without_a_model_a_message_is_503_and_costs_nothing(api_url: str) -> None:
    user = bearer_user(api_url)
    conversation = start(user)
    r = user.client.post(
        f"{BASE}/conversations/{conversation}/messages",
        json={"content": "hi"},
        headers=user.headers,
    )
    assert r.status_code == 503
    assert "REFOCUSED_ASSISTANT_BACKEND" in r.json()["detail"]
    quota = user.client.get(f"{BASE}/quota", headers=user.headers).json()
    assert (quota["used"], quota["remaining"], quota["limit"]) == (0, 50, 50)
    assert quota["day"] == "UTC"
    resets_at = datetime.fromisoformat(quota["resets_at"])
    assert resets_at.utcoffset() == timedelta(0) and (resets_at.hour, resets_at.minute) == (0, 0)
    assert timedelta(0) < resets_at - datetime.now(UTC) <= timedelta(days=1)


def test_a_reply_is_stored_with_the_message(model_url: str) -> None:
    user = bearer_user(model_url)
    conversation = start(user)
    r = user.client.post(
        f"{BASE}/conversations/{conversation}/messages",
        json={"content": "Plan my morning"},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["message"]["content"] == "Plan my morning"
    assert body["reply"]["role"] == "assistant" and body["reply"]["content"]
    assert body["quota"]["remaining"] == 2
    detail = user.client.get(f"{BASE}/conversations/{conversation}", headers=user.headers).json()
    assert detail["conversation"]["title"] == "Plan my morning"
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]


def sse_events(response: httpx.Response) -> list[tuple[str, object]]:
    events: list[tuple[str, object]] = []
    name, data = "", []
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and name:
            events.append((name, json.loads("\n".join(data))))
            name, data = "", []
    return events


def test_a_streamed_reply_arrives_as_server_sent_events(model_url: str) -> None:
    user = bearer_user(model_url)
    conversation = start(user)
    with user.client.stream(
        "POST",
        f"{BASE}/conversations/{conversation}/messages/stream",
        json={"content": "Help me focus"},
        headers=user.headers,
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r)
    names = [name for name, _ in events]
    assert names[0] == "message" and names[-1] == "done" and "delta" in names
    done = events[-1][1]
    assert isinstance(done, dict)
    streamed = "".join(str(data) for name, data in events if name == "delta")
    assert done["reply"]["content"] == (streamed.strip() or done["reply"]["content"])
    assert done["quota"]["remaining"] == 2


def test_the_quota_runs_out_with_a_429_that_says_when_it_resets(model_url: str) -> None:
    user = bearer_user(model_url)
    conversation = start(user)
    send = f"{BASE}/conversations/{conversation}/messages"
    for _ in range(3):
        assert (
            user.client.post(send, json={"content": "hi"}, headers=user.headers).status_code == 201
        )
    r = user.client.post(send, json={"content": "hi"}, headers=user.headers)
    assert r.status_code == 429
    resets_at = datetime.fromisoformat(r.json()["resets_at"])
    assert (resets_at.hour, resets_at.minute, resets_at.utcoffset()) == (0, 0, timedelta(0))
    assert 0 < int(r.headers["Retry-After"]) <= 86_400
    r = user.client.post(f"{send}/stream", json={"content": "hi"}, headers=user.headers)
    assert r.status_code == 429
    quota = user.client.get(f"{BASE}/quota", headers=user.headers).json()
    assert (quota["used"], quota["remaining"]) == (3, 0)


def test_another_users_conversation_is_404_on_every_route(api_url: str) -> None:
    owner, stranger = bearer_user(api_url), bearer_user(api_url)
    conversation = start(owner, "Private")
    path = f"{BASE}/conversations/{conversation}"
    h = stranger.headers
    assert stranger.client.get(path, headers=h).status_code == 404
    assert stranger.client.patch(path, json={"title": "mine"}, headers=h).status_code == 404
    assert stranger.client.delete(path, headers=h).status_code == 404
    assert (
        stranger.client.post(f"{path}/messages", json={"content": "hi"}, headers=h).status_code
        == 404
    )
    assert (
        stranger.client.post(
            f"{path}/messages/stream", json={"content": "x"}, headers=h
        ).status_code
        == 404
    )
    assert stranger.client.get(f"{BASE}/conversations", headers=h).json() == []
    assert (
        owner.client.get(path, headers=owner.headers).json()["conversation"]["title"] == "Private"
    )


def test_conversations_are_listed_renamed_and_deleted(api_url: str) -> None:
    user = bearer_user(api_url)
    first, second = start(user, "First"), start(user, "Second")
    listed = user.client.get(f"{BASE}/conversations", headers=user.headers).json()
    assert {c["id"] for c in listed} == {first, second}
    r = user.client.patch(
        f"{BASE}/conversations/{first}", json={"title": "Renamed"}, headers=user.headers
    )
    assert r.status_code == 200 and r.json()["title"] == "Renamed"
    assert (
        user.client.delete(f"{BASE}/conversations/{first}", headers=user.headers).status_code == 204
    )
    assert user.client.get(f"{BASE}/conversations/{first}", headers=user.headers).status_code == 404
    assert (
        user.client.get(f"{BASE}/conversations/{new_id()}", headers=user.headers).status_code == 404
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [({"content": ""}, 400), ({"content": "   "}, 422), ({"text": "hi"}, 400), (None, 400)],
)
def test_bad_messages_are_4xx(api_url: str, body: object, status: int) -> None:
    user = bearer_user(api_url)
    conversation = start(user)
    r = user.client.post(
        f"{BASE}/conversations/{conversation}/messages", json=body, headers=user.headers
    )
    assert r.status_code == status, r.text


def test_the_assistant_needs_a_signed_in_user(api_url: str) -> None:
    assert httpx.get(f"{api_url}{BASE}/quota", timeout=30).status_code == 401
    assert httpx.get(f"{api_url}{BASE}/conversations", timeout=30).status_code == 401
