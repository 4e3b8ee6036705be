"""The assistant through the routes users call via the gateway, which ends every request at
30 s: a message answers 202 at once with a reply resource, the model writes the reply in the
background, and the client follows it with server-sent events that each end well before the
gateway's limit and resume with Last-Event-ID. Here the limit is shortened (1 s streams, a
2 s "gateway") and the model is a fake that writes slowly, so a reply takes several streams."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

import httpx
import pytest
from dependency_injector import providers

from domains.assistant.model import ChatTurn
from domains.shared.errors import Unavailable
from domains.shared.ids import new_id
from tests.support.users import BearerUser, bearer_user

BASE = "/api/v1/assistant"
#: The fake gateway: no single request may take longer than this.
GATEWAY_LIMIT_S = 2.0


class SlowModel:
    """Writes `words` pieces, one every `every` seconds; counts its runs; fails if told."""

    def __init__(self, words: int = 24, every: float = 0.1, fail_after: int | None = None):
        self.words, self.every, self.fail_after, self.runs = words, every, fail_after, 0

    async def ensure_available(self) -> None:
        return None

    async def reply(self, turns: Sequence[ChatTurn]) -> str:
        return "".join([p async for p in self.stream(turns)])

    async def stream(self, turns: Sequence[ChatTurn]) -> AsyncIterator[str]:
        self.runs += 1
        for i in range(self.words):
            await asyncio.sleep(self.every)
            if self.fail_after is not None and i == self.fail_after:
                raise Unavailable("the assistant's model failed while answering")
            yield f"word{i} "


@pytest.fixture
def served(make_settings: Callable[..., Any]) -> Iterator[Callable[[SlowModel], str]]:
    from entrypoints.http.app import build_container, create_app
    from tests.support.servers import LiveServer

    servers: list[LiveServer] = []

    def serve(model: SlowModel) -> str:
        settings = make_settings(
            assistant_backend="in_process",
            assistant_checkpoint="unused: the model is replaced",
            assistant_stream_seconds=1,
            assistant_daily_messages=5,
        )
        container = build_container(settings)
        container.assistant.model.override(providers.Object(model))
        server = LiveServer(create_app(settings, container=container))
        servers.append(server.__enter__())
        return server.url

    yield serve
    for server in servers:
        server.__exit__(None, None, None)


def start(user: BearerUser) -> str:
    r = user.client.post(f"{BASE}/conversations", json={}, headers=user.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def ask(
    user: BearerUser, conversation: str, key: str, text: str = "Plan my week"
) -> httpx.Response:
    return user.client.post(
        f"{BASE}/conversations/{conversation}/replies",
        json={"content": text},
        headers={**user.headers, "Idempotency-Key": key},
    )


def one_stream(
    user: BearerUser, path: str, last: str | None
) -> tuple[list[tuple[str, str, Any]], float]:
    headers = dict(user.headers)
    if last is not None:
        headers["Last-Event-ID"] = last
    events: list[tuple[str, str, Any]] = []
    started = time.monotonic()
    with user.client.stream("GET", path, headers=headers, timeout=GATEWAY_LIMIT_S) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        name, ident, data = "", "", []
        for line in r.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("id:"):
                ident = line[3:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif not line and name:
                events.append((name, ident, json.loads("\n".join(data))))
                name, ident, data = "", "", []
    return events, time.monotonic() - started


def follow(user: BearerUser, path: str) -> tuple[list[tuple[str, str, Any]], list[float]]:
    """Follows like EventSource does: reconnects with the last id until done or error."""
    everything: list[tuple[str, str, Any]] = []
    durations: list[float] = []
    last: str | None = None
    for _ in range(30):
        events, took = one_stream(user, path, last)
        everything += events
        durations.append(took)
        if events and events[-1][0] in {"done", "error"}:
            return everything, durations
        last = events[-1][1] if events else last
    raise AssertionError("the reply never finished")


def test_a_reply_longer_than_the_gateway_allows_arrives_whole_across_reconnects(
    served: Callable[[SlowModel], str],
) -> None:
    model = SlowModel(words=30, every=0.1)  # about 3 s of writing: beyond the 2 s "gateway"
    user = bearer_user(served(model))
    conversation = start(user)
    started = time.monotonic()
    r = ask(user, conversation, new_id())
    assert r.status_code == 202, r.text
    assert time.monotonic() - started < 1.0  # answered at once, not after the reply
    reply = r.json()
    assert reply["status"] in {"pending", "running"}
    assert r.headers["location"].endswith(f"/replies/{reply['id']}")
    events, durations = follow(user, reply["events"])
    assert len(durations) >= 2 and max(durations) < GATEWAY_LIMIT_S
    deltas = [(int(ident), data) for name, ident, data in events if name == "delta"]
    assert [n for n, _ in deltas] == list(range(1, 31))  # each piece once, in order
    done = events[-1][2]
    assert done["reply"]["content"] == "".join(d for _, d in deltas).strip()
    assert done["quota"]["used"] == 1
    whole = user.client.get(f"{BASE}/replies/{reply['id']}", headers=user.headers).json()
    assert whole["status"] == "done" and whole["content"] == done["reply"]["content"]
    detail = user.client.get(f"{BASE}/conversations/{conversation}", headers=user.headers).json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]


def test_a_retried_message_is_one_reply_and_one_model_run(
    served: Callable[[SlowModel], str],
) -> None:
    model = SlowModel(words=5, every=0.05)
    user = bearer_user(served(model))
    conversation = start(user)
    key = new_id()
    first = ask(user, conversation, key)
    again = ask(user, conversation, key)  # the client lost the first answer and sends again
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["id"] == first.json()["id"]
    events, _ = follow(user, first.json()["events"])
    assert events[-1][0] == "done"
    late = ask(user, conversation, key)  # even after the reply is done
    assert late.json()["id"] == first.json()["id"] and late.json()["status"] == "done"
    assert model.runs == 1
    detail = user.client.get(f"{BASE}/conversations/{conversation}", headers=user.headers).json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]
    quota = user.client.get(f"{BASE}/quota", headers=user.headers).json()
    assert quota["used"] == 1


def test_a_failed_model_costs_no_quota_and_the_stream_says_so(
    served: Callable[[SlowModel], str],
) -> None:
    model = SlowModel(words=10, every=0.05, fail_after=3)
    user = bearer_user(served(model))
    conversation = start(user)
    r = ask(user, conversation, new_id())
    assert r.status_code == 202
    events, _ = follow(user, r.json()["events"])
    assert events[-1][0] == "error" and "failed" in events[-1][2]["detail"]
    quota = user.client.get(f"{BASE}/quota", headers=user.headers).json()
    assert (quota["used"], quota["remaining"]) == (0, 5)
    failed = user.client.get(f"{BASE}/replies/{r.json()['id']}", headers=user.headers).json()
    assert failed["status"] == "failed"


def test_a_reply_needs_a_key_and_is_only_its_users(served: Callable[[SlowModel], str]) -> None:
    url = served(SlowModel(words=2, every=0.01))
    owner, stranger = bearer_user(url), bearer_user(url)
    conversation = start(owner)
    r = owner.client.post(
        f"{BASE}/conversations/{conversation}/replies",
        json={"content": "hi"},
        headers=owner.headers,
    )
    assert r.status_code == 400 and "Idempotency-Key" in r.text
    reply = ask(owner, conversation, new_id()).json()
    assert (
        stranger.client.get(f"{BASE}/replies/{reply['id']}", headers=stranger.headers).status_code
        == 404
    )
    r = owner.client.get(
        f"{BASE}/replies/{reply['id']}/events", headers={**owner.headers, "Last-Event-ID": "x"}
    )
    assert r.status_code in {400, 422} and "Last-Event-ID" in r.text
