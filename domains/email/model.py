from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domains.shared.errors import InvalidInput
from domains.shared.ids import new_id

# Deliberately loose: the address is proven by the confirmation mail, not by a pattern.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 100_000


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email) or any(ord(c) < 32 for c in email):
        raise InvalidInput("enter a valid email address", field="email")
    return email


class SubscriptionStatus(StrEnum):
    PENDING = "pending"
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"


@dataclass(slots=True)
class Subscription:
    email: str
    status: SubscriptionStatus
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None = None
    unsubscribed_at: datetime | None = None


class MailKind(StrEnum):
    NEWSLETTER_CONFIRMATION = "newsletter_confirmation"
    NEWSLETTER = "newsletter"
    VERIFICATION = "verification"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a kind of mail, not a secret)
    REGISTRATION_ATTEMPT = "registration_attempt"

    @property
    def is_marketing(self) -> bool:
        return self is MailKind.NEWSLETTER


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """A rendered message. `id` is chosen when it is queued, so every retry of its delivery
    carries the same id and the delivery log can refuse the second send."""

    to: str
    subject: str
    text: str
    kind: MailKind
    #: RFC 8058 one-click unsubscribe target, for newsletter mail.
    unsubscribe_url: str | None = None
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if len(self.subject) > MAX_SUBJECT_LENGTH or "\n" in self.subject or "\r" in self.subject:
            raise InvalidInput("a subject is one line of at most 200 characters", field="subject")
        if len(self.text) > MAX_BODY_LENGTH:
            raise InvalidInput("the message body is too long", field="text")


class SuppressionReason(StrEnum):
    BOUNCE = "bounce"
    COMPLAINT = "complaint"


@dataclass(frozen=True, slots=True)
class Suppression:
    email: str
    reason: SuppressionReason
    created_at: datetime

    def blocks(self, kind: MailKind) -> bool:
        """A hard bounce stops all mail (the address does not exist); a complaint stops only
        marketing, so the person can still reset a password."""
        return self.reason is SuppressionReason.BOUNCE or kind.is_marketing


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True, slots=True)
class EmailLimits:
    """Actions that send mail, per day: a few per address (nobody is mail-bombed through us)
    and more per client address (several people behind one NAT)."""

    per_address_per_day: int = 5
    per_ip_per_day: int = 20
