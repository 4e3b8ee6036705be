from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(secret: bytes, purpose: str, length: int = 32) -> bytes:
    """One independent key per purpose from the master secret, so a token of one kind can never
    verify as another and each key is used the same way for signing and checking."""
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=b"refocused/v1", info=purpose.encode()
    ).derive(secret)
