"""The journal over real HTTP: encryption is invisible to the owner, protected collections need
a grant, other users see nothing, and bad input gets problem details, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import TEST_KEK, TEST_SECRET
from tests.support.servers import LiveServer
from tests.support.users import BearerUser, bearer_user, browser_user

SECRET = "the thing I cannot say out loud"
J = "/api/v1/journal"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One embedded server for the module's tests: each test signs up its own users."""
    settings = Settings(
        data_dir=Path(tmp_path_factory.mktemp("journal-api")),
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        log_format="console",
        log_level="WARNING",
        # Every test signs up its own users from one address.
        register_per_ip_per_hour=1000,
    )
    with LiveServer(create_app(settings)) as server:
        yield server.url


def _delta(text: str) -> dict[str, object]:
    return {"ops": [{"insert": text + "\n"}]}


def _collection(user: BearerUser, name: str, password: str | None = None) -> str:
    body: dict[str, object] = {"name": name}
    if password:
        body["password"] = password
    r = user.client.post(f"{J}/collections", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _entry(user: BearerUser, collection: str, text: str, grant: str | None = None) -> str:
    headers = {**user.headers, **({"X-Journal-Grant": grant} if grant else {})}
    r = user.client.post(
        f"{J}/entries",
        json={"collection_id": collection, "title": "T", "content": _delta(text)},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _mood_entry(user: BearerUser) -> str:
    r = user.client.post(
        "/api/v1/mood/entries", json={"happiness": 3, "focus": 3, "stress": 3}, headers=user.headers
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _problem(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = r.json()
    assert body["status"] == status
    return body


def test_a_protected_collection_is_read_only_with_a_grant(any_profile_url: str) -> None:
    user = bearer_user(any_profile_url)
    h = user.headers
    diary = _collection(user, "Diary")
    vault = _collection(user, "Vault", "open sesame")
    _entry(user, diary, "apples are open")
    assert (
        user.client.post(
            f"{J}/entries", json={"collection_id": vault, "content": _delta("x")}, headers=h
        ).status_code
        == 403
    )
    unlock = user.client.post(
        f"{J}/collections/{vault}/unlock", json={"password": "open sesame"}, headers=h
    )
    assert unlock.status_code == 200 and unlock.json()["expires_in"] > 0
    grant = {"X-Journal-Grant": unlock.json()["grant"]}
    hidden = _entry(user, vault, f"apples and {SECRET}", unlock.json()["grant"])

    listed = user.client.get(f"{J}/entries", headers=h).json()
    assert listed["total"] == 1 and SECRET not in str(listed)
    assert user.client.get(f"{J}/entries", headers={**h, **grant}).json()["total"] == 2
    assert user.client.get(f"{J}/search", params={"q": "apples"}, headers=h).json()["total"] == 1
    found = user.client.get(f"{J}/search", params={"q": "apples"}, headers={**h, **grant})
    assert found.json()["total"] == 2
    assert user.client.get(f"{J}/entries/{hidden}", headers=h).status_code == 403
    read = user.client.get(f"{J}/entries/{hidden}", headers={**h, **grant})
    assert read.json()["content"] == _delta(f"apples and {SECRET}")

    locked_export = user.client.get(f"{J}/export", headers=h).json()
    assert SECRET not in str(locked_export)
    assert "wrapped_with" in str(locked_export)
    assert SECRET in str(user.client.get(f"{J}/export", headers={**h, **grant}).json())

    assert user.client.post(f"{J}/lock", headers={**h, **grant}).status_code == 204
    assert user.client.get(f"{J}/entries/{hidden}", headers={**h, **grant}).status_code == 403


def test_a_password_change_keeps_entries_readable_over_http(url: str) -> None:
    user = bearer_user(url)
    h = user.headers
    vault = _collection(user, "Vault", "first password")
    grant = user.client.post(
        f"{J}/collections/{vault}/unlock", json={"password": "first password"}, headers=h
    ).json()["grant"]
    entry = _entry(user, vault, SECRET, grant)
    changed = user.client.put(
        f"{J}/collections/{vault}/password",
        json={"current_password": "first password", "new_password": "second password"},
        headers=h,
    )
    assert changed.status_code == 200 and changed.json()["protected"] is True
    wrong = user.client.post(
        f"{J}/collections/{vault}/unlock", json={"password": "first password"}, headers=h
    )
    assert _problem(wrong, 422)["errors"] == [
        {"field": "password", "message": "the collection password is incorrect"}
    ]
    fresh = user.client.post(
        f"{J}/collections/{vault}/unlock", json={"password": "second password"}, headers=h
    ).json()["grant"]
    read = user.client.get(f"{J}/entries/{entry}", headers={**h, "X-Journal-Grant": fresh})
    assert read.status_code == 200 and SECRET in str(read.json()["content"])


def test_wrong_passwords_are_rate_limited(url: str) -> None:
    user = bearer_user(url)
    vault = _collection(user, "Vault", "open sesame")
    statuses = [
        user.client.post(
            f"{J}/collections/{vault}/unlock", json={"password": "guess"}, headers=user.headers
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [422] * 5 + [429]


def test_other_users_ids_are_not_found_on_every_route(url: str) -> None:
    owner, other = bearer_user(url), bearer_user(url)
    collection = _collection(owner, "Mine")
    entry = _entry(owner, collection, SECRET)
    gratitude = owner.client.post(
        f"{J}/gratitude", json={"text": "mine"}, headers=owner.headers
    ).json()["id"]
    c, e = f"{J}/collections/{collection}", f"{J}/entries/{entry}"
    attempts = [
        ("GET", c, None),
        ("PATCH", c, {"name": "Stolen"}),
        ("DELETE", c, None),
        ("PUT", f"{c}/password", {"new_password": "taken over"}),
        ("POST", f"{c}/unlock", {"password": "whatever1"}),
        ("GET", e, None),
        ("PATCH", e, {"title": "Stolen"}),
        ("DELETE", e, None),
        ("POST", f"{J}/entries", {"collection_id": collection, "content": _delta("x")}),
        ("GET", f"{J}/entries?collection_id={collection}", None),
        ("DELETE", f"{J}/gratitude/{gratitude}", None),
    ]
    for method, path, body in attempts:
        r = other.client.request(method, path, json=body, headers=other.headers)
        _problem(r, 404)
    assert SECRET not in str(other.client.get(f"{J}/search?q=thing", headers=other.headers).json())
    assert owner.client.get(e, headers=owner.headers).status_code == 200


def test_bad_input_gets_problem_details(url: str) -> None:
    user = bearer_user(url)
    h = user.headers
    diary = _collection(user, "Diary")

    def post_entry(content: object, **extra: object) -> httpx.Response:
        body = {"collection_id": diary, "content": content, **extra}
        return user.client.post(f"{J}/entries", json=body, headers=h)

    assert _problem(post_entry({"ops": [{"delete": 3}]}), 422)["errors"][0]["field"] == "content"  # type: ignore[index]
    _problem(post_entry({"ops": "nope"}), 422)
    _problem(post_entry(_delta("x" * 200_001)), 422)  # more text than an entry may hold
    _problem(post_entry(_delta("x" * 1_100_000)), 413)  # more than any request may carry
    _problem(post_entry(_delta("x"), tags=[f"t{i}" for i in range(25)]), 400)
    _problem(post_entry(_delta("x"), colour="red"), 400)
    json_type = {**h, "Content-Type": "application/json"}
    _problem(user.client.post(f"{J}/entries", content=b"{not json", headers=json_type), 400)
    _problem(user.client.post(f"{J}/entries", content=b"{not json", headers=h), 415)
    _problem(user.client.get(f"{J}/entries?limit=0", headers=h), 400)
    _problem(user.client.get(f"{J}/search?q=%20", headers=h), 422)
    _problem(user.client.get(f"{J}/entries/not-a-uuid", headers=h), 404)
    _problem(user.client.post(f"{J}/collections", json={"name": ""}, headers=h), 400)
    _problem(user.client.post(f"{J}/collections", json={"name": "Diary"}, headers=h), 409)
    _problem(
        user.client.post(f"{J}/collections", json={"name": "V", "password": "short"}, headers=h),
        400,
    )
    _problem(user.client.post(f"{J}/gratitude", json={"text": ""}, headers=h), 400)
    _problem(
        user.client.post(f"{J}/gratitude", json={"text": "x", "on_date": "2999-01-01"}, headers=h),
        422,
    )
    _problem(user.client.get(f"{J}/entries"), 401)


def test_a_browser_needs_the_csrf_header_to_write(url: str) -> None:
    user = browser_user(url)
    r = user.client.post(f"{J}/collections", json={"name": "Diary"})
    _problem(r, 403)
    assert (
        user.client.post(
            f"{J}/collections", json={"name": "Diary"}, headers=user.headers
        ).status_code
        == 201
    )


def test_entries_update_and_stats_and_gratitude(url: str) -> None:
    user = bearer_user(url, time_zone="Asia/Tokyo")
    h = user.headers
    diary = _collection(user, "Diary")
    entry = _entry(user, diary, "one two three")
    mood = _mood_entry(user)
    r = user.client.patch(
        f"{J}/entries/{entry}", json={"tags": ["Calm"], "mood_entry_id": mood}, headers=h
    )
    assert r.status_code == 200 and r.json()["tags"] == ["calm"]
    assert r.json()["mood_entry_id"] == mood
    cleared = user.client.patch(f"{J}/entries/{entry}", json={"mood_entry_id": None}, headers=h)
    assert cleared.json()["mood_entry_id"] is None and cleared.json()["tags"] == ["calm"]
    assert user.client.get(f"{J}/entries?tag=calm", headers=h).json()["total"] == 1
    user.client.post(f"{J}/gratitude", json={"text": "tea"}, headers=h)
    stats = user.client.get(f"{J}/stats", headers=h).json()
    assert stats["entries"] == 1 and stats["words"] == 4 and stats["current_streak"] == 1
    assert stats["gratitude_entries"] == 1
    items = user.client.get(f"{J}/gratitude", headers=h).json()
    assert items["total"] == 1 and items["items"][0]["text"] == "tea"
    assert user.client.delete(f"{J}/entries/{entry}", headers=h).status_code == 204
    assert user.client.get(f"{J}/entries/{entry}", headers=h).status_code == 404


def test_the_account_export_holds_the_journal_and_deletion_erases_it(url: str) -> None:
    user = bearer_user(url)
    h = user.headers
    _entry(user, _collection(user, "Diary"), "open words")
    vault = _collection(user, "Vault", "open sesame")
    grant = user.client.post(
        f"{J}/collections/{vault}/unlock", json={"password": "open sesame"}, headers=h
    ).json()["grant"]
    _entry(user, vault, SECRET, grant)
    exported = user.client.post("/api/v1/users/me/export", headers=h).json()["journal"]
    by_name = {c["name"]: c for c in exported["collections"]}
    assert "open words" in str(by_name["Diary"]["entries"])
    assert "encrypted" in by_name["Vault"] and SECRET not in str(exported)
    from tests.support.users import PASSWORD

    r = user.client.request("DELETE", "/api/v1/users/me", json={"password": PASSWORD}, headers=h)
    assert r.status_code == 204


def test_nothing_answers_500_to_garbage(url: str) -> None:
    user = bearer_user(url)
    diary = _collection(user, "Diary")
    garbage: list[object] = [None, [], "x", 0, {"ops": None}, {"a": {"b": {"c": []}}}, [[[[]]]]]
    routes = [
        ("POST", f"{J}/collections"),
        ("POST", f"{J}/entries"),
        ("PATCH", f"{J}/collections/{diary}"),
        ("PUT", f"{J}/collections/{diary}/password"),
        ("POST", f"{J}/collections/{diary}/unlock"),
        ("POST", f"{J}/gratitude"),
    ]
    for method, path in routes:
        for body in garbage:
            r = user.client.request(method, path, json=body, headers=user.headers)
            assert 400 <= r.status_code < 500, (method, path, body, r.text)
    for q in ["?limit=-1", "?offset=x", "?collection_id=" + "x" * 100, "?tag=" + "%00"]:
        r = user.client.get(f"{J}/entries{q}", headers=user.headers)
        assert r.status_code < 500, (q, r.text)
    r = user.client.get(f"{J}/entries", headers={**user.headers, "X-Journal-Grant": "," * 500})
    assert r.status_code == 200


def test_a_delta_nested_past_any_reason_is_a_400(url: str) -> None:
    user = bearer_user(url)
    nested = b"[" * 200_000 + b"]" * 200_000
    body = b'{"collection_id": "x", "content": {"ops": ' + nested + b"}}"
    headers = {**user.headers, "Content-Type": "application/json"}
    _problem(user.client.post(f"{J}/entries", content=body, headers=headers), 400)


def test_an_entry_links_only_to_the_writers_own_mood_entry_and_never_dangles(
    any_profile_url: str,
) -> None:
    user, other = bearer_user(any_profile_url), bearer_user(any_profile_url)
    h = user.headers
    diary = _collection(user, "Diary")
    theirs, missing = _mood_entry(other), "33333333-3333-4333-8333-333333333333"
    entry = _entry(user, diary, "one")
    for mood in (theirs, missing):
        created = user.client.post(
            f"{J}/entries",
            json={
                "collection_id": diary,
                "title": "T",
                "content": _delta("x"),
                "mood_entry_id": mood,
            },
            headers=h,
        )
        body = _problem(created, 422)
        assert [e["field"] for e in body["errors"]] == ["mood_entry_id"]  # type: ignore[union-attr]
        changed = user.client.patch(f"{J}/entries/{entry}", json={"mood_entry_id": mood}, headers=h)
        _problem(changed, 422)
    assert user.client.get(f"{J}/entries", headers=h).json()["total"] == 1
    mine = _mood_entry(user)
    linked = user.client.patch(f"{J}/entries/{entry}", json={"mood_entry_id": mine}, headers=h)
    assert linked.json()["mood_entry_id"] == mine
    deleted = user.client.delete(f"/api/v1/mood/entries/{mine}", headers=h)
    assert deleted.status_code == 204
    assert user.client.get(f"{J}/entries/{entry}", headers=h).json()["mood_entry_id"] is None
