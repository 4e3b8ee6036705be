from __future__ import annotations

from domains.shared.errors import InvalidInput


class InvalidLink(InvalidInput):
    """One message for forged, expired and wrong-purpose links: none of them says more."""

    def __init__(self) -> None:
        super().__init__(
            "this link is invalid or has expired; subscribe again to get a new one", field="token"
        )
