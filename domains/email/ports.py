"""What the email service needs from the outside world. Each operation is atomic on its own:
DynamoDB (production) and SQL (embedded) implement the same contracts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from domains.email.model import OutgoingMail, Subscription, Suppression


class SubscriptionStore(Protocol):
    async def get(self, email: str) -> Subscription | None: ...
    async def save(self, subscription: Subscription) -> None:
        """Insert or replace the address's subscription."""
        ...

    async def delete(self, email: str) -> None: ...


class SuppressionList(Protocol):
    async def get(self, email: str) -> Suppression | None: ...
    async def add(self, suppression: Suppression) -> None:
        """Idempotent; a bounce replaces a complaint, never the other way round."""
        ...


class DeliveryLog(Protocol):
    """One record per message id, so a retried delivery never sends twice."""

    async def claim(self, message_id: str, now: datetime, lease: timedelta) -> bool:
        """Atomically take the right to send `message_id` (a conditional write). False when it
        was sent already, or another delivery holds an unexpired claim on it."""
        ...

    async def mark_sent(self, message_id: str, provider_id: str, now: datetime) -> None: ...

    async def release(self, message_id: str) -> None:
        """Give a claim back after a failed send, so the next retry may send."""
        ...


class MailTransport(Protocol):
    """Puts a rendered message on the wire (SES) or on disk (the embedded outbox)."""

    async def send(self, mail: OutgoingMail) -> str:
        """The provider's message id. Raises on failure, so the delivery can be retried."""
        ...


class SentMailCopies(Protocol):
    """Copies of sent mail kept on our side (the embedded outbox keeps each message as a file);
    SES keeps none in the account, so production has no such store."""

    async def forget(self, address: str) -> None:
        """Delete every kept message sent to or mentioning the address."""
        ...


class MailQueue(Protocol):
    """Hands a message to whatever delivers it: SNS in production, in-process when embedded."""

    async def enqueue(self, mail: OutgoingMail) -> None: ...


class UserEmails(Protocol):
    """The address of an account, for export and erasure (identity owns accounts)."""

    async def email_of(self, user_id: str) -> str | None: ...


class TransactionalMail(Protocol):
    """The port identity sends its mail through (EmailService implements it): the mail is
    queued like any other, so it shares delivery, idempotency, suppression and limits.
    Identity declares the same shape in its own ports, since a domain does not import another
    domain's internals."""

    async def send_verification(self, to: str, link: str, client_ip: str = "") -> None: ...

    async def send_password_reset(self, to: str, link: str, client_ip: str = "") -> None: ...

    async def send_registration_attempt(self, to: str, link: str, client_ip: str = "") -> None: ...
