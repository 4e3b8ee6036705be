from __future__ import annotations

import base64
import hmac
import secrets
from hashlib import sha256

from adapters.security.keys import derive_key


class SignedCsrfTokens:
    """Signed double-submit tokens bound to a session: `nonce.mac(session_id, nonce)`.

    The browser holds the token in a readable cookie and echoes it in a header; an attacker's
    page can neither read the cookie nor forge a token for the victim's session."""

    def __init__(self, secret: bytes) -> None:
        self._key = derive_key(secret, "csrf")

    def issue(self, session_id: str) -> str:
        nonce = secrets.token_urlsafe(16)
        return f"{nonce}.{self._mac(session_id, nonce)}"

    def verify(self, session_id: str, cookie_token: str | None, header_token: str | None) -> bool:
        if not cookie_token or not header_token or len(header_token) > 256:
            return False
        if not hmac.compare_digest(cookie_token.encode(), header_token.encode()):
            return False
        nonce, _, mac = header_token.partition(".")
        return bool(nonce) and hmac.compare_digest(
            mac.encode(), self._mac(session_id, nonce).encode()
        )

    def _mac(self, session_id: str, nonce: str) -> str:
        digest = hmac.new(self._key, f"{session_id}.{nonce}".encode(), sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
