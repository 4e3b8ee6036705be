"""Signed, expiring tokens for identity's links in mail (verify an address, reset a password).

HMAC-SHA256 from the standard library. The token carries `user id|expiry`; its MAC also covers
a binding the token never shows (the address, the password hash), so changing the address or
the password makes every earlier token fail. Each purpose has its own derived key, unrelated to
the access and refresh keys, so no token passes as any other."""

from __future__ import annotations

import base64
import binascii
import hmac
from datetime import datetime
from hashlib import sha256

from adapters.security.keys import derive_key
from domains.identity.errors import InvalidAccountLink
from domains.identity.model import LinkPurpose

_MAX_TOKEN_LENGTH = 512


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class HmacLinkTokens:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 bytes")
        self._keys = {p: derive_key(secret, f"account-link/{p.value}") for p in LinkPurpose}

    def issue(self, purpose: LinkPurpose, user_id: str, binding: str, expires_at: datetime) -> str:
        payload = _b64(f"{user_id}|{int(expires_at.timestamp())}".encode())
        return f"{payload}.{self._mac(purpose, payload, binding)}"

    def subject(self, purpose: LinkPurpose, token: str, now: datetime) -> str:
        return self._claims(token, now)[0]

    def verify(self, purpose: LinkPurpose, token: str, binding: str, now: datetime) -> None:
        payload, mac = self._claims(token, now)[1:]
        if not hmac.compare_digest(mac.encode(), self._mac(purpose, payload, binding).encode()):
            raise InvalidAccountLink()

    @staticmethod
    def _claims(token: str, now: datetime) -> tuple[str, str, str]:
        if not token or len(token) > _MAX_TOKEN_LENGTH or token.count(".") != 1:
            raise InvalidAccountLink()
        payload, mac = token.split(".")
        try:
            user_id, expiry = _unb64(payload).decode().split("|")
            expires = int(expiry)
        except (ValueError, UnicodeDecodeError, binascii.Error) as e:
            raise InvalidAccountLink() from e
        if not user_id or expires <= now.timestamp():
            raise InvalidAccountLink()
        return user_id, payload, mac

    def _mac(self, purpose: LinkPurpose, payload: str, binding: str) -> str:
        # The payload is base64 (no "|"), so payload and binding cannot be confused.
        message = f"{payload}|{binding}".encode()
        return _b64(hmac.new(self._keys[purpose], message, sha256).digest())
