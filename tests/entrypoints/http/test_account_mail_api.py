"""Verification and password-reset mail over real HTTP, embedded profile: the mail is read from
the outbox folder and its link followed, as a person would."""

from __future__ import annotations

import email
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from adapters.security.link_tokens import HmacLinkTokens
from domains.identity.model import LinkPurpose
from tests.conftest import TEST_SECRET
from tests.entrypoints.http.problems import assert_4xx_problem, assert_problem
from tests.support.users import PASSWORD, bearer_user, browser_user, unique_email

AUTH = "/api/v1/auth"
VERIFY_SUBJECT = "Verify your ReFocused email address"
RESET_SUBJECT = "Reset your ReFocused password"


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "var" / "outbox"


@pytest.fixture
def url(serve: Callable[..., str]) -> str:
    return serve(public_url="https://refocused.example")


def tokens_in(outbox: Path, to: str, subject: str) -> list[str]:
    """The link tokens of every mail with this subject sent to `to`."""
    found = []
    for path in outbox.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to and message["Subject"] == subject:
            body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            link = next(w for w in body.split() if w.startswith("https://refocused.example/"))
            found.append(parse_qs(urlsplit(link).query)["token"][0])
    return found


def the_token(outbox: Path, to: str, subject: str) -> str:
    """The one such mail's token; reset mail is sent after the answer, so it may take a moment."""
    deadline = time.monotonic() + 10
    while not (tokens := tokens_in(outbox, to, subject)) and time.monotonic() < deadline:
        time.sleep(0.02)
    [token] = tokens
    return token


def test_a_new_account_verifies_its_address_with_the_mailed_link(url: str, outbox: Path) -> None:
    user = browser_user(url)
    assert user.client.get(f"{AUTH}/me").json()["email_verified"] is False
    token = the_token(outbox, user.email, VERIFY_SUBJECT)
    with httpx.Client(base_url=url) as elsewhere:  # the link may open in another browser
        r = elsewhere.post(f"{AUTH}/verify-email/confirm", json={"token": token})
        assert r.status_code == 204, r.text
    assert user.client.get(f"{AUTH}/me").json()["email_verified"] is True


def test_a_signed_in_user_can_ask_for_another_verification_link(url: str, outbox: Path) -> None:
    user = browser_user(url)
    the_token(outbox, user.email, VERIFY_SUBJECT)  # registration's, mailed after its answer
    r = user.client.post(f"{AUTH}/verify-email/request", headers=user.headers)
    assert r.status_code == 202, r.text
    tokens = tokens_in(outbox, user.email, VERIFY_SUBJECT)
    assert len(tokens) == 2
    for token in tokens:  # either link works, and confirming twice is harmless
        r = user.client.post(
            f"{AUTH}/verify-email/confirm", json={"token": token}, headers=user.headers
        )
        assert r.status_code == 204
    again = user.client.post(f"{AUTH}/verify-email/request", headers=user.headers)
    assert_problem(again, 409)


def test_asking_for_a_verification_link_needs_a_signed_in_user(url: str) -> None:
    with httpx.Client(base_url=url) as c:
        assert_problem(c.post(f"{AUTH}/verify-email/request"), 401)


def test_verification_links_are_limited_per_account(url: str, outbox: Path) -> None:
    user = bearer_user(url)
    the_token(outbox, user.email, VERIFY_SUBJECT)  # registration's, mailed after its answer
    answers = [
        user.client.post(f"{AUTH}/verify-email/request", headers=user.headers).status_code
        for _ in range(6)
    ]
    assert answers[:4] == [202] * 4 and answers[-1] == 429


def test_a_reset_link_works_once_and_signs_every_session_out(url: str, outbox: Path) -> None:
    user = bearer_user(url)
    other_device = browser_user(url)
    with httpx.Client(base_url=url) as anonymous:
        r = anonymous.post(f"{AUTH}/password-reset/request", json={"email": user.email})
        assert r.status_code == 202
        token = the_token(outbox, user.email, RESET_SUBJECT)
        reset = {"token": token, "new_password": "a brand new horse"}
        assert anonymous.post(f"{AUTH}/password-reset/confirm", json=reset).status_code == 204
        assert_problem(user.client.get(f"{AUTH}/me", headers=user.headers), 401)
        old = {"email": user.email, "password": PASSWORD}
        assert_problem(anonymous.post(f"{AUTH}/login", json=old), 401)
        new = {"email": user.email, "password": "a brand new horse"}
        assert httpx.post(f"{url}{AUTH}/login", json=new).status_code == 200
        replay = {"token": token, "new_password": "yet another horse"}
        body = assert_problem(anonymous.post(f"{AUTH}/password-reset/confirm", json=replay), 422)
        assert "invalid or has expired" in body["detail"]
    # Another account's sessions are untouched.
    assert other_device.client.get(f"{AUTH}/me").status_code == 200


def test_a_reset_signs_out_browser_sessions_too(url: str, outbox: Path) -> None:
    user = browser_user(url)
    with httpx.Client(base_url=url) as anonymous:
        anonymous.post(f"{AUTH}/password-reset/request", json={"email": user.email})
        reset = {
            "token": the_token(outbox, user.email, RESET_SUBJECT),
            "new_password": "a brand new horse",
        }
        assert anonymous.post(f"{AUTH}/password-reset/confirm", json=reset).status_code == 204
    assert_problem(user.client.get(f"{AUTH}/me"), 401)


def test_known_and_unknown_addresses_get_the_same_answer(url: str, outbox: Path) -> None:
    user = bearer_user(url)
    stranger = unique_email()
    with httpx.Client(base_url=url) as c:
        known = c.post(f"{AUTH}/password-reset/request", json={"email": user.email})
        unknown = c.post(f"{AUTH}/password-reset/request", json={"email": stranger})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert the_token(outbox, user.email, RESET_SUBJECT)
    assert tokens_in(outbox, stranger, RESET_SUBJECT) == []


def test_reset_requests_are_limited_per_address(url: str) -> None:
    with httpx.Client(base_url=url) as c:
        answers = [
            c.post(f"{AUTH}/password-reset/request", json={"email": "someone@example.com"})
            for _ in range(4)
        ]
    assert [a.status_code for a in answers[:3]] == [202] * 3
    assert_problem(answers[3], 429)


def _expired(purpose: LinkPurpose, user_id: str, binding: str) -> str:
    return HmacLinkTokens(TEST_SECRET.encode()).issue(
        purpose, user_id, binding, datetime.now(UTC) - timedelta(seconds=1)
    )


def test_bad_expired_and_tampered_tokens_are_refused_without_a_500(url: str, outbox: Path) -> None:
    user = bearer_user(url)
    verify = the_token(outbox, user.email, VERIFY_SUBJECT)
    tampered = verify[:-3] + ("AAA" if not verify.endswith("AAA") else "BBB")
    bad_tokens = [
        "not-a-token",
        "abc.def",
        tampered,
        "x" * 1000 + ".y",
        _expired(LinkPurpose.VERIFY_EMAIL, user.user_id, user.email),
    ]
    with httpx.Client(base_url=url) as c:
        for token in bad_tokens:
            r = c.post(f"{AUTH}/verify-email/confirm", json={"token": token})
            assert_problem(r, 422)
            reset = {"token": token, "new_password": "a brand new horse"}
            assert_problem(c.post(f"{AUTH}/password-reset/confirm", json=reset), 422)
        # A verification token is no reset token.
        wrong_kind = {"token": verify, "new_password": "a brand new horse"}
        assert_problem(c.post(f"{AUTH}/password-reset/confirm", json=wrong_kind), 422)
        for body in ({}, {"token": ""}, {"token": 3}, {"token": verify, "extra": 1}):
            assert_4xx_problem(c.post(f"{AUTH}/verify-email/confirm", json=body))
        weak = {"token": verify, "new_password": "short"}
        assert_4xx_problem(c.post(f"{AUTH}/password-reset/confirm", json=weak))
        for body in ({"email": "not an address"}, {"email": "a@b.c" * 100}, {}):
            assert_4xx_problem(c.post(f"{AUTH}/password-reset/request", json=body))


def test_erasing_an_account_removes_its_address_from_the_outbox(url: str, outbox: Path) -> None:
    user, other = bearer_user(url), bearer_user(url)
    the_token(outbox, user.email, VERIFY_SUBJECT)  # registration's, mailed after its answer
    the_token(outbox, other.email, VERIFY_SUBJECT)
    r = user.client.request(
        "DELETE", "/api/v1/users/me", json={"password": PASSWORD}, headers=user.headers
    )
    assert r.status_code == 204, r.text
    mail = [path.read_bytes().lower() for path in outbox.glob("*.eml")]
    assert not [m for m in mail if user.email.lower().encode() in m]
    assert [m for m in mail if other.email.lower().encode() in m]
