"""Signed, expiring tokens for links in mail (confirm a subscription, unsubscribe).

HMAC-SHA256 from the standard library over `purpose|email|expiry`; the key is derived for this
purpose only by the composition root, so a link token can never pass as any other token."""

from __future__ import annotations

import base64
import hmac
from datetime import datetime, timedelta
from hashlib import sha256

from domains.email.errors import InvalidLink

CONFIRM = "newsletter-confirm"
UNSUBSCRIBE = "newsletter-unsubscribe"
CONFIRM_TTL = timedelta(days=2)
#: Unsubscribe links live in old mail for years; they must keep working (RFC 8058).
UNSUBSCRIBE_TTL = timedelta(days=3650)
_MAX_TOKEN_LENGTH = 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("a link-signing key needs at least 32 bytes")
        self._key = key

    def sign(self, purpose: str, email: str, expires_at: datetime) -> str:
        expiry = str(int(expires_at.timestamp()))
        payload = _b64(f"{email}|{expiry}".encode())
        return f"{payload}.{self._mac(purpose, payload)}"

    def verify(self, purpose: str, token: str, now: datetime) -> str:
        """The email address the token was signed for; InvalidLink otherwise."""
        if not token or len(token) > _MAX_TOKEN_LENGTH or token.count(".") != 1:
            raise InvalidLink()
        payload, mac = token.split(".")
        if not hmac.compare_digest(mac.encode(), self._mac(purpose, payload).encode()):
            raise InvalidLink()
        try:
            email, expiry = _unb64(payload).decode().rsplit("|", 1)
            expires = int(expiry)
        except (ValueError, UnicodeDecodeError) as e:
            raise InvalidLink() from e
        if expires <= now.timestamp():
            raise InvalidLink()
        return email

    def _mac(self, purpose: str, payload: str) -> str:
        message = f"{purpose}|{payload}".encode()
        return _b64(hmac.new(self._key, message, sha256).digest())
