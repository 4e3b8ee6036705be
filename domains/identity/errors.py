from __future__ import annotations

from domains.shared.errors import Conflict, InvalidInput, Unauthenticated


class EmailAlreadyRegistered(Conflict):
    def __init__(self) -> None:
        super().__init__("an account with this email already exists", field="email")


class InvalidCredentials(Unauthenticated):
    """One message for unknown email and wrong password, so accounts cannot be enumerated."""

    def __init__(self) -> None:
        super().__init__("email or password is incorrect")


class InvalidToken(Unauthenticated):
    def __init__(self, detail: str = "the token is invalid or expired") -> None:
        super().__init__(detail)


class WeakPassword(InvalidInput):
    def __init__(self, detail: str, field: str = "password") -> None:
        super().__init__(detail, field=field)


class InvalidAccountLink(InvalidInput):
    """One message for forged, expired, used and outdated links: none of them says more."""

    def __init__(self) -> None:
        super().__init__("this link is invalid or has expired; ask for a new one", field="token")


class UnverifiedAccountExists(Conflict):
    """A Google sign-in met a password account whose address was never verified. Whoever made
    it proved nothing, so it is neither linked nor kept without the Google owner's say."""

    def __init__(self) -> None:
        super().__init__(
            "an account with this address exists, but its address was never verified: sign in "
            "with its password and verify the address to link Google and keep it, or sign in "
            "with Google again with replace_unverified_account set to erase it and start over",
            field="replace_unverified_account",
        )
