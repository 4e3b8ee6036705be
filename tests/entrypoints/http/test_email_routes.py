"""The newsletter over real HTTP, embedded profile: SQLite state, mail in the outbox folder."""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from domains.email import links
from entrypoints.composition.links import link_signer
from tests.conftest import TEST_SECRET

PATH = "/api/v1/email/newsletter"


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "var" / "outbox"


@pytest.fixture
def api(serve: Callable[..., str]) -> httpx.Client:
    url = serve(public_url="https://refocused.example", email_actions_per_address_per_day=2)
    return httpx.Client(base_url=url, timeout=30)


def link_in(outbox: Path, to: str) -> str:
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            match = re.search(r"https://\S+", body)
            assert match, body
            return match.group(0)
    raise AssertionError(f"no mail to {to} in {outbox}")


def test_double_opt_in_then_one_click_unsubscribe(api: httpx.Client, outbox: Path) -> None:
    r = api.post(f"{PATH}/subscribe", json={"email": "Ada@Example.com"})
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "confirmation_sent"
    link = link_in(outbox, "ada@example.com")
    assert link.startswith(f"https://refocused.example{PATH}/confirm?token=")
    token = unquote(link.split("token=")[1])

    r = api.get(f"{PATH}/confirm", params={"token": token})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "subscribed" and r.json()["email"] == "ada@example.com"

    # The token in later mail's unsubscribe link is of another purpose: confirm's is refused.
    r = api.get(f"{PATH}/status", params={"token": token})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


def test_an_unsubscribe_link_works_without_signing_in(api: httpx.Client, outbox: Path) -> None:
    api.post(f"{PATH}/subscribe", json={"email": "bob@example.com"})
    token = unquote(link_in(outbox, "bob@example.com").split("token=")[1])
    api.get(f"{PATH}/confirm", params={"token": token})
    signer = link_signer(TEST_SECRET.encode())
    unsubscribe = signer.sign(
        links.UNSUBSCRIBE, "bob@example.com", datetime.now(UTC) + timedelta(days=1)
    )
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" as a form.
    r = api.post(
        f"{PATH}/unsubscribe",
        params={"token": unsubscribe},
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "unsubscribed"
    assert api.get(f"{PATH}/status", params={"token": unsubscribe}).json()["status"] == (
        "unsubscribed"
    )


def test_an_address_is_limited_to_a_few_mails_a_day(api: httpx.Client, outbox: Path) -> None:
    for _ in range(2):
        assert api.post(f"{PATH}/subscribe", json={"email": "eve@example.com"}).status_code == 202
    r = api.post(f"{PATH}/subscribe", json={"email": "eve@example.com"})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    assert len(list(outbox.glob("*.eml"))) == 2


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"json": {"email": "not an address"}}, 422),
        ({"json": {"email": "a@b.co", "extra": 1}}, 400),
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
    ],
)
def test_bad_subscriptions_get_a_problem_not_a_500(
    api: httpx.Client, request_kwargs: dict[str, object], status: int
) -> None:
    r = api.post(f"{PATH}/subscribe", **request_kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert r.json()["detail"]


@pytest.mark.parametrize("token", ["", "garbage", "a.b", "x" * 2000])
def test_forged_or_missing_tokens_are_4xx(api: httpx.Client, token: str) -> None:
    r = api.get(f"{PATH}/confirm", params={"token": token} if token else {})
    assert 400 <= r.status_code < 500, r.text
