"""Attacks on accounts, over real HTTP: locking an owner out with wrong passwords, learning which
addresses have accounts from registration, and addresses that look alike or break the database."""

from __future__ import annotations

import email
import time
from collections.abc import Callable
from email import policy
from pathlib import Path

import httpx
import pytest

from tests.entrypoints.http.problems import assert_problem
from tests.support.users import PASSWORD, bearer_user, unique_email

AUTH = "/api/v1/auth"
INVALID_EMAIL = "enter a valid email address"
ACCOUNT_EXISTS_SUBJECT = "Someone tried to create a ReFocused account with your address"


@pytest.fixture(params=["embedded", "production"])
def start(request: pytest.FixtureRequest, serve_on: Callable[..., str]) -> Callable[..., str]:
    """Starts the API on either profile behind a trusted proxy, so each test can speak from
    as many client addresses as it likes (X-Forwarded-For)."""

    def started(**overrides: object) -> str:
        return serve_on(request.param, trust_proxy_headers=True, **overrides)

    return started


def login(url: str, address: str, password: str, client_ip: str) -> httpx.Response:
    return httpx.post(
        f"{url}{AUTH}/login",
        json={"email": address, "password": password},
        headers={"X-Forwarded-For": client_ip},
    )


# -- 3. a stranger cannot lock the owner out --------------------------------------------------


def test_wrong_passwords_from_many_addresses_do_not_lock_the_owner_out(
    start: Callable[..., str],
) -> None:
    url = start()
    owner = bearer_user(url)
    for n in range(1, 12):  # eleven wrong tries, each from another address
        assert_problem(login(url, owner.email, "a wrong guess", f"198.51.100.{n}"), 401)
    # ... and the slow, steady kind: the owner's own address is unaffected by either.
    assert_problem(login(url, owner.email, "a wrong guess", "198.51.100.1"), 401)
    r = login(url, owner.email, PASSWORD, "203.0.113.9")
    assert r.status_code == 200, r.text


def test_one_client_guessing_is_stopped_and_the_owner_elsewhere_is_not(
    start: Callable[..., str],
) -> None:
    url = start(login_per_account_per_5_minutes=3, login_per_ip_per_minute=100)
    owner = bearer_user(url)
    for _ in range(3):
        assert_problem(login(url, owner.email, "a wrong guess", "198.51.100.7"), 401)
    # The guesser is stopped, even with the right password ...
    refused = assert_problem(login(url, owner.email, PASSWORD, "198.51.100.7"), 429)
    assert "too many" in refused["detail"]
    # ... but not the owner, elsewhere.
    assert login(url, owner.email, PASSWORD, "203.0.113.9").status_code == 200


def test_a_distributed_attack_is_slowed_while_the_owner_still_signs_in(
    start: Callable[..., str],
) -> None:
    url = start(login_failures_per_account_per_hour=5, login_per_ip_per_minute=100)
    owner = bearer_user(url)
    for n in range(1, 7):
        assert_problem(login(url, owner.email, "a wrong guess", f"198.51.100.{n}"), 401)
    # Under attack, a client that has already failed gets no second guess for a while ...
    assert_problem(login(url, owner.email, "another guess", "198.51.100.1"), 429)
    # ... a fresh one gets one guess ...
    assert_problem(login(url, owner.email, "a wrong guess", "198.51.100.50"), 401)
    assert_problem(login(url, owner.email, "a third guess", "198.51.100.50"), 429)
    # ... and the owner, with the right password, is never refused.
    assert login(url, owner.email, PASSWORD, "203.0.113.9").status_code == 200


def test_known_and_unknown_accounts_answer_alike_under_guessing(
    start: Callable[..., str],
) -> None:
    url = start(login_per_account_per_5_minutes=3, login_per_ip_per_minute=100)
    known, unknown = bearer_user(url).email, unique_email()
    answers = {}
    for address, ip in ((known, "198.51.100.1"), (unknown, "198.51.100.2")):
        replies = [login(url, address, "a wrong guess", ip) for _ in range(5)]
        answers[address] = [
            (r.status_code, r.json()["detail"], "retry-after" in r.headers) for r in replies
        ]
    assert answers[known] == answers[unknown]
    assert [status for status, _, _ in answers[known]] == [401, 401, 401, 429, 429]


# -- 4. registration does not say which addresses have accounts -------------------------------


def _register(url: str, address: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=url) as c:
        return c.post(f"{AUTH}/register", json={"email": address, "password": password})


def _visible(r: httpx.Response) -> tuple[object, ...]:
    ignored = {"date", "x-request-id", "content-length"}
    headers = sorted((k, v) for k, v in r.headers.items() if k not in ignored)
    return r.status_code, r.content, headers


def test_registration_answers_alike_for_new_and_taken_addresses(
    start: Callable[..., str],
) -> None:
    url = start()
    taken = bearer_user(url).email
    new = _register(url, unique_email(), "a stranger's password")
    again = _register(url, taken, "a stranger's password")
    assert new.status_code == 202, new.text
    assert _visible(new) == _visible(again)
    assert "set-cookie" not in new.headers
    # The owner's password still opens the account; the stranger's does not.
    assert login(url, taken, PASSWORD, "203.0.113.9").status_code == 200
    assert_problem(login(url, taken, "a stranger's password", "203.0.113.9"), 401)


def test_a_new_account_signs_in_with_its_password_after_registering(
    start: Callable[..., str],
) -> None:
    url = start()
    address = unique_email()
    assert _register(url, address, PASSWORD).status_code == 202
    r = login(url, address, PASSWORD, "203.0.113.9")
    assert r.status_code == 200 and r.json()["user"]["email"] == address
    assert r.json()["user"]["email_verified"] is False


def _subjects_sent_to(outbox: Path, to: str) -> list[str]:
    subjects = []
    for path in outbox.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            subjects.append(str(message["Subject"]))
    return subjects


def test_the_owner_hears_that_someone_tried_to_register_their_address(
    serve: Callable[..., str], tmp_path: Path
) -> None:
    url = serve(public_url="https://refocused.example")
    owner = bearer_user(url)
    assert _register(url, owner.email, "a stranger's password").status_code == 202
    outbox = tmp_path / "var" / "outbox"
    deadline = time.monotonic() + 10
    while ACCOUNT_EXISTS_SUBJECT not in _subjects_sent_to(outbox, owner.email):
        assert time.monotonic() < deadline, _subjects_sent_to(outbox, owner.email)
        time.sleep(0.05)


# -- 5. look-alike and broken addresses -------------------------------------------------------


def _local() -> str:
    return unique_email().split("@", 1)[0]


@pytest.mark.parametrize(
    ("registered", "variant"),
    [
        ("{local}@example.com", "{fullwidth}"),
        ("{local}@example.com", "{local}@example.com."),
        ("{local}@bücher.example", "{local}@xn--bcher-kva.example"),
        ("{local}@xn--bcher-kva.example", "{local}@BÜCHER.example"),
    ],
)
def test_an_address_written_another_way_is_the_same_account(
    start: Callable[..., str], registered: str, variant: str
) -> None:
    url = start()
    local = _local()
    fullwidth = "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in local + "@example.com"
    )
    first = registered.format(local=local)
    other = variant.format(local=local, fullwidth=fullwidth)
    assert _register(url, first, PASSWORD).status_code == 202
    # Registering the variant does not make a second account: its password opens nothing.
    assert _register(url, other, "another password").status_code == 202
    signed_in = login(url, other, PASSWORD, "203.0.113.9")
    assert signed_in.status_code == 200, signed_in.text
    assert_problem(login(url, other, "another password", "203.0.113.9"), 401)
    assert (
        login(url, first, PASSWORD, "203.0.113.9").json()["user"]["id"]
        == (signed_in.json()["user"]["id"])
    )


@pytest.mark.parametrize(
    "address",
    [
        "{local}\x00@example.com",
        "{local}@exam\x00ple.com",
        "\u0430{local}@example.com",  # a Cyrillic a among Latin letters
        "{local}@ex\u0430mple.com",
        "{local}\u200b@example.com",  # zero-width space
        "{local}@example.com\u200d",  # zero-width joiner
        "{local}\u202e@example.com",  # right-to-left override
        "{local}\x07@example.com",
        "{local}@example..com",
    ],
)
def test_a_broken_or_look_alike_address_is_refused_naming_the_field_and_never_logged(
    start: Callable[..., str], address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = start()
    local = _local()
    address = address.format(local=local)
    with httpx.Client(base_url=url) as c:
        for route in ("/register", "/password-reset/request"):
            body = {"email": address, "password": PASSWORD} if route == "/register" else {}
            body.setdefault("email", address)
            r = c.post(f"{AUTH}{route}", json=body)
            problem = assert_problem(r, 422)
            assert problem["errors"] == [
                {"field": "email", "message": "enter a valid email address"}
            ]
        # Signing in with it finds no account, like any unknown address.
        assert_problem(c.post(f"{AUTH}/login", json={"email": address, "password": PASSWORD}), 401)
    captured = capsys.readouterr()
    assert local not in captured.out + captured.err
