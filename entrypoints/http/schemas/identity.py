from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from domains.identity.model import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    Session,
    User,
)

# An address is folded (NFKC) before the domain checks its form, so its transport bound stays
# generous; a password being set and a display name are bounded as the domain bounds them.
Email = Annotated[str, Meta(max_length=320, description="the account's email address")]
Password = Annotated[str, Meta(min_length=1, max_length=1024)]
NewPassword = Annotated[str, Meta(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]
TimeZoneName = Annotated[str, Meta(max_length=64, examples=["Europe/Paris"])]
DisplayName = Annotated[str, Meta(max_length=MAX_DISPLAY_NAME_LENGTH)]


class RegisterRequest(Struct, forbid_unknown_fields=True):
    email: Email
    password: NewPassword
    display_name: DisplayName | None = None
    time_zone: TimeZoneName = "UTC"
    #: Ignored: registering no longer signs in; send remember_me to /auth/login.
    remember_me: bool = False


class LoginRequest(Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    remember_me: bool = False


NonceVerifier = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=256,
        description="the `nonce_verifier` from POST /auth/google/nonce; browsers may leave it "
        "out, their rf_google_nonce cookie carries it",
    ),
]


class GoogleSignInRequest(Struct, forbid_unknown_fields=True):
    id_token: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=8192,
            description="a Google ID token whose `nonce` claim is the `nonce` from "
            "POST /auth/google/nonce",
        ),
    ]
    remember_me: bool = False
    nonce_verifier: NonceVerifier | None = None
    replace_unverified_account: Annotated[
        bool,
        Meta(
            description="when a password account whose address was never verified uses this "
            "address: erase it, with everything in it, and start over with the Google account "
            "(without it, the answer is 409)"
        ),
    ] = False


class SignInProviders(Struct):
    """How a client can sign people in here besides a password."""

    #: The OAuth client id to ask Google with (the first of REFOCUSED_GOOGLE_CLIENT_IDS), or
    #: null when Google sign-in is off.
    google_client_id: str | None


class GoogleNonceResponse(Struct):
    """A Google sign-in, started: hand `nonce` to Google (the sign-in request's `nonce`), send
    the ID token to POST /auth/google with `nonce_verifier` (browsers: the HttpOnly
    rf_google_nonce cookie does it) within `expires_in` seconds. Each nonce signs in once."""

    nonce: str
    nonce_verifier: str
    expires_in: int


class TokenRequest(Struct, forbid_unknown_fields=True):
    """OAuth 2 style token request for non-browser clients."""

    grant_type: Literal["password", "refresh_token"]
    username: Email | None = None
    password: Password | None = None
    refresh_token: Annotated[str, Meta(max_length=4096)] | None = None
    remember_me: bool = False


class LogoutRequest(Struct, forbid_unknown_fields=True):
    refresh_token: Annotated[str, Meta(max_length=4096)] | None = None


class ChangePasswordRequest(Struct, forbid_unknown_fields=True):
    current_password: Password
    new_password: NewPassword


LinkToken = Annotated[str, Meta(min_length=1, max_length=1024)]


class EmailVerificationConfirm(Struct, forbid_unknown_fields=True):
    token: LinkToken


class PasswordResetRequest(Struct, forbid_unknown_fields=True):
    email: Email


class PasswordResetConfirm(Struct, forbid_unknown_fields=True):
    token: LinkToken
    new_password: NewPassword


class Accepted(Struct):
    """The same answer whatever happened, so it tells nobody whether an account exists."""

    detail: str


class ProfileUpdate(Struct, forbid_unknown_fields=True):
    display_name: DisplayName | msgspec.UnsetType = msgspec.UNSET
    time_zone: TimeZoneName | msgspec.UnsetType = msgspec.UNSET


class DeleteAccountRequest(Struct, forbid_unknown_fields=True):
    password: Password | None = None


class UserRead(Struct):
    id: str
    email: str
    display_name: str
    time_zone: str
    email_verified: bool
    google_linked: bool
    has_password: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserRead:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            time_zone=user.time_zone,
            email_verified=user.email_verified,
            google_linked=user.google_subject is not None,
            has_password=user.password_hash is not None,
            created_at=user.created_at,
        )


class SignInResponse(Struct):
    """Browser sign-in: the tokens travel in HttpOnly cookies; only the CSRF token is here."""

    user: UserRead
    csrf_token: str
    access_expires_in: int


class TokenResponse(Struct):
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    token_type: str = "Bearer"  # noqa: S105 (the OAuth 2 token type, not a secret)


class SessionRead(Struct):
    id: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str
    remember_me: bool
    current: bool

    @classmethod
    def of(cls, session: Session, current_id: str) -> SessionRead:
        return cls(
            id=session.id,
            created_at=session.created_at,
            last_used_at=session.last_used_at,
            expires_at=session.expires_at,
            user_agent=session.user_agent,
            remember_me=session.remember_me,
            current=session.id == current_id,
        )
