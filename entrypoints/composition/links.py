from __future__ import annotations

from adapters.security.keys import derive_key
from domains.email.links import LinkSigner

#: The HKDF purpose of the mail-link key (platform/refocused_infra/keys.py derives it too).
LINK_KEY_PURPOSE = "email-links"


def link_key(secret: bytes) -> bytes:
    """Mail links are signed with a key derived for them alone from the service secret; the
    email Lambda is given that derived key only, so the API and it accept each other's links
    and the Lambda holds nothing that signs any other token."""
    return derive_key(secret, LINK_KEY_PURPOSE)


def link_signer(secret: bytes) -> LinkSigner:
    """The signer of mail links for the service secret `secret` (what the API signs with)."""
    return LinkSigner(link_key(secret))
