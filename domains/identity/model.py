from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from encodings.idna import ToASCII, ToUnicode
from enum import Enum

from domains.identity.errors import WeakPassword
from domains.shared.errors import InvalidInput

# Deliberately loose about the characters: the address is proven by the verification mail, not
# by a regular expression. Strict about the forms one address can take, so that each mailbox is
# one account: see normalise_email.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254
MIN_PASSWORD_LENGTH = 8
# A bound on the work an attacker can make argon2 do, and on what a person can type.
MAX_PASSWORD_LENGTH = 128
MAX_DISPLAY_NAME_LENGTH = 80
# Scripts that are written together: a Japanese word mixes Han, Hiragana and Katakana, a Korean
# one Hangul and Han. Any other mix of scripts in one label is a look-alike (Latin "paypal" with
# a Cyrillic a, U+0430), never a real address.
_SCRIPT_FAMILIES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "BOPOMOFO": "CJK"}


def normalise_email(raw: str) -> str:
    """The one canonical form of an address, or InvalidInput naming `email`.

    NFKC folds compatibility forms (fullwidth letters, the fullwidth @) into the ordinary ones,
    and the address is lower-cased. Control and format characters (NUL, zero-width spaces and
    joiners, direction overrides) are refused, not stripped: no real address holds one, and
    quietly dropping them would hide what was sent. A label mixing scripts is refused. The
    domain loses a trailing dot (the DNS root) and is stored IDNA-encoded (ASCII), so that
    `Bücher.example` and `xn--bcher-kva.example` are one address."""
    email = unicodedata.normalize("NFKC", raw).strip().lower()
    if len(email) > 4 * MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise _invalid_email()
    local, domain = email.split("@")
    if any(unicodedata.category(c)[0] in "CZ" for c in email) or _mixes_scripts(local):
        raise _invalid_email()
    email = f"{local}@{_ascii_domain(domain)}"
    if len(email) > MAX_EMAIL_LENGTH:
        raise _invalid_email()
    return email


def _ascii_domain(domain: str) -> str:
    labels = (domain[:-1] if domain.endswith(".") else domain).split(".")
    encoded = []
    for label in labels:
        try:
            # An A-label (xn--...) is decoded first, so a look-alike cannot hide in Punycode.
            readable = ToUnicode(label) if label.startswith("xn--") else label
            if _mixes_scripts(readable):
                raise _invalid_email()
            encoded.append(ToASCII(readable).decode("ascii"))
        except UnicodeError:
            raise _invalid_email() from None
    if len(encoded) < 2:
        raise _invalid_email()
    return ".".join(encoded)


def _mixes_scripts(label: str) -> bool:
    scripts = set()
    for c in label:
        if unicodedata.category(c).startswith("L"):
            script = unicodedata.name(c, "?").split(" ", 1)[0].split("-", 1)[0]
            scripts.add(_SCRIPT_FAMILIES.get(script, script))
    return len(scripts) > 1


def _invalid_email() -> InvalidInput:
    return InvalidInput("enter a valid email address", field="email")


def check_password_policy(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"the password must be at least {MIN_PASSWORD_LENGTH} characters long", field
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            f"the password must be at most {MAX_PASSWORD_LENGTH} characters long", field
        )
    if not password.strip():
        raise WeakPassword("the password cannot be only spaces", field)


def check_display_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("the display name cannot be empty", field="display_name")
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise InvalidInput(
            f"the display name must be at most {MAX_DISPLAY_NAME_LENGTH} characters",
            field="display_name",
        )
    if any(ord(c) < 32 for c in name):
        raise InvalidInput(
            "the display name cannot contain control characters", field="display_name"
        )
    return name


@dataclass(slots=True)
class User:
    id: str
    email: str
    display_name: str
    time_zone: str
    created_at: datetime
    updated_at: datetime
    email_verified: bool = False
    #: None for accounts that only ever signed in with Google.
    password_hash: str | None = None
    google_subject: str | None = None


@dataclass(slots=True)
class Session:
    """One sign-in on one device. It holds the refresh-token family: `refresh_jti` names the only
    refresh token of the family that may still be used; any other one presented is a reuse."""

    id: str
    user_id: str
    refresh_jti: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    remember_me: bool = False
    user_agent: str = ""
    generation: int = 0
    revoked_at: datetime | None = None
    revoked_reason: str | None = None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=7)
    remembered_refresh_ttl: timedelta = timedelta(days=30)

    def refresh_ttl_for(self, remember_me: bool) -> timedelta:
        return self.remembered_refresh_ttl if remember_me else self.refresh_ttl


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    session_id: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    user_id: str
    session_id: str
    jti: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is making a request, once the access token has been checked."""

    user_id: str
    session_id: str


@dataclass(frozen=True, slots=True)
class Device:
    """Where a sign-in comes from: for per-address limits and the session list."""

    ip: str
    user_agent: str = ""


@dataclass(frozen=True, slots=True)
class GoogleIdentity:
    subject: str
    email: str
    email_verified: bool
    name: str = ""
    #: The ID token's `nonce` claim; sign-in requires the one this server handed out.
    nonce: str | None = None


@dataclass(frozen=True, slots=True)
class GoogleNonce:
    """One Google sign-in, started here. `nonce` goes to Google and comes back inside the ID
    token; `verifier` stays with the client (a cookie, or the app's memory) and comes back with
    the token. The nonce is derived from the verifier one way, so a leaked ID token, which shows
    the nonce, does not give the verifier: the token cannot be replayed by whoever holds it."""

    nonce: str
    verifier: str
    expires_at: datetime


GOOGLE_NONCE_TTL = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class SignIn:
    """What a successful sign-in or refresh hands to the transport."""

    user: User
    session: Session
    access_token: str
    access_expires_in: int
    refresh_token: str
    refresh_expires_at: datetime


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """Stricter than the global limit. `per_ip` counts every sign-in attempt of a client. The
    account limits count wrong passwords only, so that nobody else's guesses stop an owner:
    `per_account` those of one client on one account (its guessing stops there), and
    `per_account_everywhere` those from every client, past which the account is under attack
    and each client gets one guess at a time."""

    per_ip: tuple[int, float] = (20, 60.0)
    per_account: tuple[int, float] = (10, 300.0)
    per_account_everywhere: tuple[int, float] = (50, 3600.0)
    register_per_ip: tuple[int, float] = (10, 3600.0)


class LinkPurpose(Enum):
    """What a link in a mail may do; each purpose signs with its own key."""

    VERIFY_EMAIL = "verify-email"
    PASSWORD_RESET = "password-reset"  # noqa: S105 (a purpose name, not a secret)


VERIFICATION_TTL = timedelta(hours=24)
PASSWORD_RESET_TTL = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class AccountMailLimits:
    """Mail costs money and can be aimed at a stranger's inbox: each sender is bounded."""

    verification_per_account: tuple[int, float] = (5, 3600.0)
    #: "Someone tried to register your address" mail, so registering cannot bomb an inbox.
    registration_notice_per_address: tuple[int, float] = (3, 3600.0)
    reset_per_ip: tuple[int, float] = (10, 3600.0)
    reset_per_address: tuple[int, float] = (3, 3600.0)
