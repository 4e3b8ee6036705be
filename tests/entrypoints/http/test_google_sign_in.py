"""Google sign-in under attack, over real HTTP against a JWKS server of our own: an account
squatted with the victim's address, ID tokens from the future, replayed or stolen ID tokens, and
forged tokens that would make the server download Google's keys again and again."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import update

from adapters.sql.tables.identity import users
from tests.entrypoints.http.problems import assert_problem
from tests.support.database import behind_the_apis_back
from tests.support.users import PASSWORD, unique_email

CLIENT_ID = "our-client"
GOOGLE = "/api/v1/auth/google"


@dataclass
class Jwks:
    """Google's key endpoint, played by a local server that counts its downloads."""

    url: str
    key: RSAKey
    downloads: list[float] = field(default_factory=list)

    def token(
        self, email: str, nonce: str | None, *, key: RSAKey | None = None, **claims: object
    ) -> str:
        now = int(time.time())
        body: dict[str, object] = {
            "iss": "https://accounts.google.com",
            "aud": CLIENT_ID,
            "sub": f"g-{email}",
            "email": email,
            "email_verified": True,
            "iat": now,
            "exp": now + 600,
        }
        if nonce is not None:
            body["nonce"] = nonce
        body.update(claims)
        signer = key or self.key
        return jwt.encode({"alg": "RS256", "kid": signer.kid or "g1"}, body, signer)


@pytest.fixture
def jwks() -> Iterator[Jwks]:
    key = RSAKey.generate_key(2048, parameters={"kid": "g1"})
    payload = json.dumps(KeySet([key]).as_dict(private=False)).encode()
    downloads: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            downloads.append(time.monotonic())
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Jwks(f"http://127.0.0.1:{server.server_address[1]}/certs", key, downloads)
    server.shutdown()


@pytest.fixture(params=["embedded", "production"])
def google_url(request: pytest.FixtureRequest, serve_on: Callable[..., str], jwks: Jwks) -> str:
    return serve_on(request.param, google_client_ids=(CLIENT_ID,), google_jwks_url=jwks.url)


@pytest.fixture
def api_url_with_google(serve: Callable[..., str], jwks: Jwks) -> str:
    return serve(google_client_ids=(CLIENT_ID,), google_jwks_url=jwks.url)


def start(client: httpx.Client) -> dict[str, object]:
    r = client.post(f"{GOOGLE}/nonce")
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    return dict(r.json())


def sign_in(client: httpx.Client, jwks: Jwks, email: str, **body: object) -> httpx.Response:
    """A browser's Google sign-in: nonce first (its cookie stays in the client), then the token."""
    nonce = str(start(client)["nonce"])
    return client.post(GOOGLE, json={"id_token": jwks.token(email, nonce), **body})


# -- point 1: an account squatted with the victim's address ------------------------------------


def test_google_sign_in_takes_over_a_squatted_unverified_account_and_shuts_the_squatter_out(
    google_url: str, jwks: Jwks
) -> None:
    victim = unique_email()
    attacker = httpx.Client(base_url=google_url, timeout=30)
    registered = attacker.post(
        "/api/v1/auth/register", json={"email": victim, "password": PASSWORD}
    )
    assert registered.status_code == 202, registered.text
    # Registering signs nobody in: the squatter signs in with the password, in the browser too.
    signed_in = attacker.post("/api/v1/auth/login", json={"email": victim, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    squatter_id = signed_in.json()["user"]["id"]
    tokens = httpx.post(
        f"{google_url}/api/v1/auth/token",
        json={"grant_type": "password", "username": victim, "password": PASSWORD},
    ).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    planted = attacker.post(
        "/api/v1/mood/entries",
        json={"happiness": 1, "focus": 1, "stress": 5, "note": "planted"},
        headers=bearer,
    )
    assert planted.status_code == 201, planted.text

    # The victim's first try is refused: nothing is linked, nobody is signed in.
    browser = httpx.Client(base_url=google_url, timeout=30)
    refused = sign_in(browser, jwks, victim)
    body = assert_problem(refused, 409)
    assert body["errors"][0]["field"] == "replace_unverified_account"
    assert "rf_access" not in browser.cookies

    taken = sign_in(browser, jwks, victim, replace_unverified_account=True)
    assert taken.status_code == 200, taken.text
    user = taken.json()["user"]
    assert user["email"] == victim and user["email_verified"] and not user["has_password"]
    assert user["id"] != squatter_id
    csrf = {"X-CSRF-Token": taken.json()["csrf_token"]}
    assert browser.get("/api/v1/mood/entries").json() == []  # nothing the squatter wrote
    written = browser.post(
        "/api/v1/mood/entries",
        json={"happiness": 4, "focus": 4, "stress": 1, "note": "mine"},
        headers=csrf,
    )
    assert written.status_code == 201, written.text

    # The squatter's access token, cookies, refresh token and password are all dead.
    assert_problem(httpx.get(f"{google_url}/api/v1/auth/me", headers=bearer), 401)
    assert_problem(httpx.get(f"{google_url}/api/v1/mood/entries", headers=bearer), 401)
    assert_problem(attacker.get("/api/v1/mood/entries"), 401)
    refreshed = httpx.post(
        f"{google_url}/api/v1/auth/token",
        json={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert_problem(refreshed, 401)
    for route, credentials in (
        ("/api/v1/auth/login", {"email": victim, "password": PASSWORD}),
        (
            "/api/v1/auth/token",
            {"grant_type": "password", "username": victim, "password": PASSWORD},
        ),
    ):
        assert_problem(httpx.post(f"{google_url}{route}", json=credentials), 401)
    notes = [e["note"] for e in browser.get("/api/v1/mood/entries").json()]
    assert notes == ["mine"]


def test_a_squatted_account_stays_with_nobody_until_the_google_owner_decides(
    api_url_with_google: str, jwks: Jwks
) -> None:
    victim = unique_email()
    attacker = httpx.Client(base_url=api_url_with_google, timeout=30)
    assert attacker.post(
        "/api/v1/auth/register", json={"email": victim, "password": PASSWORD}
    ).is_success
    assert attacker.post(
        "/api/v1/auth/login", json={"email": victim, "password": PASSWORD}
    ).is_success
    browser = httpx.Client(base_url=api_url_with_google, timeout=30)
    assert_problem(sign_in(browser, jwks, victim), 409)
    # The refused sign-in spent its nonce: the decision comes with a new Google sign-in.
    assert_problem(browser.post(GOOGLE, json={"id_token": jwks.token(victim, None)}), 401)
    assert attacker.get("/api/v1/auth/me").json()["email_verified"] is False


# -- point 6: what an ID token must say, and the nonce ----------------------------------------


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, "future"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
    ],
)
def test_google_tokens_from_the_future_are_refused(
    api_url_with_google: str, jwks: Jwks, claims: dict[str, Any], reason: str
) -> None:
    client = httpx.Client(base_url=api_url_with_google, timeout=30)
    nonce = str(start(client)["nonce"])
    r = client.post(GOOGLE, json={"id_token": jwks.token(unique_email(), nonce, **claims)})
    assert reason in str(assert_problem(r, 401)["detail"])


def test_a_google_token_must_carry_the_nonce_of_this_sign_in(
    api_url_with_google: str, jwks: Jwks
) -> None:
    client = httpx.Client(base_url=api_url_with_google, timeout=30)
    email = unique_email()
    start(client)
    assert_problem(client.post(GOOGLE, json={"id_token": jwks.token(email, None)}), 401)
    assert_problem(client.post(GOOGLE, json={"id_token": jwks.token(email, "made-up")}), 401)
    # Without having started a sign-in here at all, the field to send is named.
    fresh = httpx.post(f"{api_url_with_google}{GOOGLE}", json={"id_token": jwks.token(email, "x")})
    assert assert_problem(fresh, 422)["errors"] == [
        {"field": "nonce_verifier", "message": fresh.json()["errors"][0]["message"]}
    ]


def test_a_google_token_works_once_and_only_for_the_client_that_started_the_sign_in(
    api_url_with_google: str, jwks: Jwks
) -> None:
    victim = httpx.Client(base_url=api_url_with_google, timeout=30)
    started = start(victim)
    id_token = jwks.token(unique_email(), str(started["nonce"]))
    # Stolen on its way (a log, a proxy, an extension): useless without the victim's verifier.
    thief = httpx.Client(base_url=api_url_with_google, timeout=30)
    start(thief)
    assert_problem(thief.post(GOOGLE, json={"id_token": id_token}), 401)
    assert_problem(httpx.post(f"{api_url_with_google}{GOOGLE}", json={"id_token": id_token}), 422)
    signed_in = victim.post(GOOGLE, json={"id_token": id_token})
    assert signed_in.status_code == 200, signed_in.text
    assert victim.cookies.get("rf_google_nonce") is None  # cleared with the sign-in
    # Even the verifier itself (copied from the cookie) does not sign in a second time.
    replayed = httpx.post(
        f"{api_url_with_google}{GOOGLE}",
        json={"id_token": id_token, "nonce_verifier": started["nonce_verifier"]},
    )
    assert "already used" in str(assert_problem(replayed, 401)["detail"])


def test_a_nonce_signs_in_once_even_with_its_verifier(
    google_url: str, jwks: Jwks, capsys: pytest.CaptureFixture[str]
) -> None:
    """Clients that keep the verifier themselves (native apps) send it in the body."""
    started = start(httpx.Client(base_url=google_url, timeout=30))
    body = {
        "id_token": jwks.token(unique_email(), str(started["nonce"])),
        "nonce_verifier": started["nonce_verifier"],
    }
    first = httpx.post(f"{google_url}{GOOGLE}", json=body)
    assert first.status_code == 200, first.text
    again = httpx.post(f"{google_url}{GOOGLE}", json=body)
    assert "already used" in str(assert_problem(again, 401)["detail"])
    forged = {**body, "nonce_verifier": str(started["nonce_verifier"])[:-4] + "AAAA"}
    assert_problem(httpx.post(f"{google_url}{GOOGLE}", json=forged), 401)
    logs = "".join(capsys.readouterr())
    assert str(body["id_token"]) not in logs and str(started["nonce_verifier"]) not in logs


def test_forged_google_tokens_do_not_make_the_server_download_googles_keys_again(
    api_url_with_google: str, jwks: Jwks
) -> None:
    first = httpx.Client(base_url=api_url_with_google, timeout=30)
    assert sign_in(first, jwks, unique_email()).status_code == 200
    assert len(jwks.downloads) == 1
    client = httpx.Client(base_url=api_url_with_google, timeout=30)
    impostor = RSAKey.generate_key(2048, parameters={"kid": "g1"})
    unknown = RSAKey.generate_key(2048, parameters={"kid": "rotated-or-made-up"})
    for key, reason in ((impostor, "signature"), (unknown, "signing key")):
        for _ in range(4):
            nonce = str(start(client)["nonce"])
            token = jwks.token(unique_email(), nonce, key=key)
            assert reason in str(
                assert_problem(client.post(GOOGLE, json={"id_token": token}), 401)["detail"]
            )
    assert len(jwks.downloads) == 1


def test_the_nonce_route_is_documented(api_url_with_google: str) -> None:
    spec = httpx.get(f"{api_url_with_google}/schema/openapi.json", timeout=30).json()
    route = spec["paths"]["/api/v1/auth/google/nonce"]["post"]
    ok = route["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("GoogleNonceResponse")
    sign_in_route = spec["paths"]["/api/v1/auth/google"]["post"]
    assert {"401", "409", "422"} <= set(sign_in_route["responses"])
    schema = spec["components"]["schemas"]
    request_ref = sign_in_route["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema[request_ref.rsplit("/", 1)[1]]["properties"]
    assert {"nonce_verifier", "replace_unverified_account"} <= set(fields)
    assert set(schema["GoogleNonceResponse"]["properties"]) == {
        "nonce",
        "nonce_verifier",
        "expires_in",
    }


def test_a_client_learns_whether_and_how_to_offer_google(serve: Callable[..., str]) -> None:
    """The web client shows "Continue with Google" only when the server signs in with it."""
    off = serve()
    r = httpx.get(f"{off}/api/v1/auth/providers")
    assert r.status_code == 200 and r.json() == {"google_client_id": None}
    assert r.headers["cache-control"] == "no-store"
    on = serve(
        google_client_ids=("web.apps.googleusercontent.com", "ios.apps.googleusercontent.com")
    )
    assert httpx.get(f"{on}/api/v1/auth/providers").json() == {
        "google_client_id": "web.apps.googleusercontent.com"
    }


def test_an_account_shows_its_google_link_at_once_in_its_other_sessions(
    serve_on: Callable[..., str], jwks: Jwks, postgres_url: str
) -> None:
    """The account a signed-in client reads (GET /auth/me, kept while the user changes nothing)
    changes when a Google sign-in elsewhere links it, outside that client's own requests."""
    api = serve_on("production", google_client_ids=(CLIENT_ID,), google_jwks_url=jwks.url)
    address = unique_email()
    laptop = httpx.Client(base_url=api, timeout=30)
    assert laptop.post(
        "/api/v1/auth/register", json={"email": address, "password": PASSWORD}
    ).is_success
    verified = update(users).where(users.c.email == address).values(email_verified=True)
    behind_the_apis_back(postgres_url, verified)  # as the mailed link would
    tokens = laptop.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "username": address, "password": PASSWORD},
    ).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    for _ in range(2):  # kept, and answered from the store
        me = laptop.get("/api/v1/auth/me", headers=bearer).json()
        assert me["email_verified"] is True and me["google_linked"] is False

    with httpx.Client(base_url=api, timeout=30) as phone:
        assert sign_in(phone, jwks, address).status_code == 200

    assert laptop.get("/api/v1/auth/me", headers=bearer).json()["google_linked"] is True
