from __future__ import annotations

from adapters.security.keys import derive_key
from domains.email.links import LinkSigner


def link_signer(secret: bytes) -> LinkSigner:
    """Mail links are signed with a key derived for them alone from the service secret, so
    the API and the email Lambda (which share the secret) accept each other's links."""
    return LinkSigner(derive_key(secret, "email-links"))
