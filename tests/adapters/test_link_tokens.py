"""The signed tokens in identity's mailed links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.security.link_tokens import HmacLinkTokens
from adapters.security.tokens import JoseTokenService, generate_signing_key
from domains.identity.errors import InvalidAccountLink
from domains.identity.model import LinkPurpose

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECRET = b"s" * 32
VERIFY, RESET = LinkPurpose.VERIFY_EMAIL, LinkPurpose.PASSWORD_RESET


def test_a_token_names_its_user_and_verifies_with_its_binding() -> None:
    tokens = HmacLinkTokens(SECRET)
    token = tokens.issue(VERIFY, "user-1", "ada@example.com", NOW + timedelta(hours=1))
    assert tokens.subject(VERIFY, token, NOW) == "user-1"
    tokens.verify(VERIFY, token, "ada@example.com", NOW)


def test_the_binding_is_not_readable_in_the_token() -> None:
    token = HmacLinkTokens(SECRET).issue(RESET, "user-1", "$argon2id$hash", NOW)
    assert "argon2" not in token and "argon2" not in token.encode().hex()


@pytest.mark.parametrize(
    "check",
    [
        lambda t, tok: t.verify(VERIFY, tok, "ada@elsewhere.example", NOW),
        lambda t, tok: t.verify(RESET, tok, "ada@example.com", NOW),
        lambda t, tok: t.verify(VERIFY, tok, "ada@example.com", NOW + timedelta(hours=2)),
        lambda t, tok: HmacLinkTokens(b"o" * 32).verify(VERIFY, tok, "ada@example.com", NOW),
        lambda t, tok: t.verify(VERIFY, "x" + tok, "ada@example.com", NOW),
        lambda t, tok: t.verify(VERIFY, tok[:-2], "ada@example.com", NOW),
        lambda t, tok: t.subject(VERIFY, "not-a-token", NOW),
        lambda t, tok: t.subject(VERIFY, "!!!.abc", NOW),
        lambda t, tok: t.subject(VERIFY, "a" * 600 + ".b", NOW),
    ],
    ids=[
        "other binding",
        "other purpose",
        "expired",
        "other secret",
        "tampered payload",
        "tampered mac",
        "no dot",
        "bad base64",
        "too long",
    ],
)
def test_anything_but_our_unexpired_token_for_this_purpose_and_binding_fails(check: object) -> None:
    tokens = HmacLinkTokens(SECRET)
    token = tokens.issue(VERIFY, "user-1", "ada@example.com", NOW + timedelta(hours=1))
    with pytest.raises(InvalidAccountLink):
        check(tokens, token)  # type: ignore[operator]


def test_a_payload_forged_to_name_another_user_fails() -> None:
    tokens = HmacLinkTokens(SECRET)
    token = tokens.issue(VERIFY, "user-1", "ada@example.com", NOW + timedelta(hours=1))
    mine = tokens.issue(VERIFY, "user-2", "eve@example.com", NOW + timedelta(hours=1))
    forged = token.split(".")[0] + "." + mine.split(".")[1]
    with pytest.raises(InvalidAccountLink):
        tokens.verify(VERIFY, forged, "ada@example.com", NOW)


def test_a_link_token_is_no_access_token() -> None:
    link = HmacLinkTokens(SECRET).issue(VERIFY, "user-1", "x", NOW + timedelta(hours=1))
    with pytest.raises(Exception, match="invalid"):
        JoseTokenService(SECRET, generate_signing_key()).decode_access(link, NOW)
