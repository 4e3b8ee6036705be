"""Email use cases: the newsletter's life cycle on the request side, delivery on the sender
side (behind SNS in production), and what SES reports back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from domains.email import links
from domains.email.links import LinkSigner
from domains.email.model import (
    DeliveryOutcome,
    EmailLimits,
    MailKind,
    OutgoingMail,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
    normalise_email,
)
from domains.email.ports import (
    DeliveryLog,
    MailQueue,
    MailTransport,
    SentMailCopies,
    SubscriptionStore,
    SuppressionList,
    UserEmails,
)
from domains.shared.clock import Clock
from domains.shared.errors import InvalidInput, RateLimited
from domains.shared.rate_limit import Rate, RateLimiter

DAY = 86_400.0
#: How long a delivery may hold its claim before another retry may take over. A sender that dies
#: after the provider accepted a message but before marking it sent leaves a claim that expires;
#: a retry after that sends again. That crash window is the only way a message goes out twice.
DELIVERY_LEASE = timedelta(minutes=5)


@dataclass
class MailDelivery:
    """The sender side: suppression check, a claim in the delivery log, then the transport."""

    suppressions: SuppressionList
    log: DeliveryLog
    transport: MailTransport
    clock: Clock

    async def deliver(self, mail: OutgoingMail) -> DeliveryOutcome:
        suppression = await self.suppressions.get(mail.to)
        if suppression is not None and suppression.blocks(mail.kind):
            return DeliveryOutcome.SUPPRESSED
        if not await self.log.claim(mail.id, self.clock.now(), DELIVERY_LEASE):
            return DeliveryOutcome.DUPLICATE
        try:
            provider_id = await self.transport.send(mail)
        except BaseException:
            await self.log.release(mail.id)
            raise
        await self.log.mark_sent(mail.id, provider_id, self.clock.now())
        return DeliveryOutcome.SENT


@dataclass
class DirectMailQueue:
    """The embedded profile's queue: delivers at once, in this process."""

    delivery: MailDelivery

    async def enqueue(self, mail: OutgoingMail) -> None:
        await self.delivery.deliver(mail)


@dataclass
class BounceHandling:
    """What SES reports back: bounced and complained addresses stop getting mail."""

    subscriptions: SubscriptionStore
    suppressions: SuppressionList
    clock: Clock

    async def record_bounce(self, addresses: Iterable[str], *, permanent: bool) -> int:
        """Permanent bounces suppress the address; transient ones (a full mailbox) do not."""
        if not permanent:
            return 0
        return await self._suppress(addresses, SuppressionReason.BOUNCE)

    async def record_complaint(self, addresses: Iterable[str]) -> int:
        return await self._suppress(addresses, SuppressionReason.COMPLAINT)

    async def _suppress(self, addresses: Iterable[str], reason: SuppressionReason) -> int:
        now = self.clock.now()
        count = 0
        for raw in addresses:
            try:
                email = normalise_email(raw)
            except InvalidInput:
                continue
            await self.suppressions.add(Suppression(email, reason, now))
            await unsubscribe_address(self.subscriptions, email, now)
            count += 1
        return count


async def unsubscribe_address(
    subscriptions: SubscriptionStore, email: str, now: datetime
) -> Subscription:
    current = await subscriptions.get(email)
    if current is None:
        return Subscription(email, SubscriptionStatus.UNSUBSCRIBED, now, now)
    if current.status is not SubscriptionStatus.UNSUBSCRIBED:
        current.status = SubscriptionStatus.UNSUBSCRIBED
        current.unsubscribed_at = now
        current.updated_at = now
        await subscriptions.save(current)
    return current


@dataclass
class EmailService:
    subscriptions: SubscriptionStore
    suppressions: SuppressionList
    queue: MailQueue
    links: LinkSigner
    limiter: RateLimiter
    clock: Clock
    limits: EmailLimits = field(default_factory=EmailLimits)

    # -- the newsletter -------------------------------------------------------------------

    async def subscribe(self, raw_email: str, client_ip: str, base_url: str) -> None:
        """Sends a confirmation link unless the address is already subscribed. The caller
        learns nothing either way, so nobody can probe whose address is on the list."""
        email = normalise_email(raw_email)
        await self._limit(email, client_ip)
        now = self.clock.now()
        current = await self.subscriptions.get(email)
        if current is not None and current.status is SubscriptionStatus.SUBSCRIBED:
            return
        await self.subscriptions.save(
            Subscription(
                email=email,
                status=SubscriptionStatus.PENDING,
                created_at=current.created_at if current else now,
                updated_at=now,
            )
        )
        token = self.links.sign(links.CONFIRM, email, now + links.CONFIRM_TTL)
        confirm_url = f"{base_url}/newsletter/confirm?token={quote(token)}"
        await self.queue.enqueue(
            OutgoingMail(
                to=email,
                subject="Confirm your ReFocused newsletter subscription",
                text=(
                    "Someone (we hope you) asked to receive the ReFocused newsletter at this "
                    f"address.\n\nConfirm within 48 hours:\n{confirm_url}\n\n"
                    "If it was not you, ignore this message: nothing will be sent."
                ),
                kind=MailKind.NEWSLETTER_CONFIRMATION,
            )
        )

    async def confirm(self, token: str) -> Subscription:
        now = self.clock.now()
        email = self.links.verify(links.CONFIRM, token, now)
        current = await self.subscriptions.get(email)
        if current is None:
            # Erased or never stored: the link is stale either way.
            raise InvalidInput("this subscription no longer exists; subscribe again", field="token")
        if current.status is not SubscriptionStatus.SUBSCRIBED:
            current.status = SubscriptionStatus.SUBSCRIBED
            current.confirmed_at = now
            current.unsubscribed_at = None
            current.updated_at = now
            await self.subscriptions.save(current)
        return current

    async def unsubscribe(self, token: str) -> Subscription:
        """One click, no sign-in (RFC 8058). Idempotent."""
        now = self.clock.now()
        email = self.links.verify(links.UNSUBSCRIBE, token, now)
        return await self._unsubscribe(email, now)

    async def status(self, token: str) -> Subscription:
        """The subscription the link in a mail is about (the link proves the address)."""
        now = self.clock.now()
        email = self.links.verify(links.UNSUBSCRIBE, token, now)
        current = await self.subscriptions.get(email)
        if current is None:
            return Subscription(email, SubscriptionStatus.UNSUBSCRIBED, now, now)
        return current

    def unsubscribe_url(self, email: str, base_url: str) -> str:
        token = self.links.sign(links.UNSUBSCRIBE, email, self.clock.now() + links.UNSUBSCRIBE_TTL)
        return f"{base_url}/newsletter/unsubscribe?token={quote(token)}"

    # -- transactional mail (the port identity uses) --------------------------------------

    async def send_verification(self, to: str, link: str, client_ip: str = "") -> None:
        await self._transactional(
            to,
            client_ip,
            MailKind.VERIFICATION,
            "Verify your ReFocused email address",
            f"Open this link to verify your address:\n{link}\n\n"
            "If you did not create a ReFocused account, ignore this message.",
        )

    async def send_password_reset(self, to: str, link: str, client_ip: str = "") -> None:
        await self._transactional(
            to,
            client_ip,
            MailKind.PASSWORD_RESET,
            "Reset your ReFocused password",
            f"Open this link to choose a new password:\n{link}\n\n"
            "If you did not ask for this, ignore this message: your password is unchanged.",
        )

    async def send_registration_attempt(self, to: str, link: str, client_ip: str = "") -> None:
        await self._transactional(
            to,
            client_ip,
            MailKind.REGISTRATION_ATTEMPT,
            "Someone tried to create a ReFocused account with your address",
            "Someone, perhaps you, tried to create a ReFocused account with this address, which "
            "already has one. Nothing was changed.\n\n"
            "If it was you, sign in with your password; if you have forgotten it, ask for a "
            f"new one on the sign-in page:\n{link}\n\n"
            "If it was not you, ignore this message: your account is as it was.",
        )

    async def _transactional(
        self, to: str, client_ip: str, kind: MailKind, subject: str, text: str
    ) -> None:
        email = normalise_email(to)
        await self._limit(email, client_ip)
        await self.queue.enqueue(OutgoingMail(to=email, subject=subject, text=text, kind=kind))

    # -- the user's data --------------------------------------------------------------------

    async def export_address(self, email: str) -> dict[str, Any] | None:
        current = await self.subscriptions.get(normalise_email(email))
        if current is None:
            return None
        return {
            "email": current.email,
            "status": current.status.value,
            "created_at": current.created_at.isoformat(),
            "confirmed_at": current.confirmed_at.isoformat() if current.confirmed_at else None,
        }

    async def erase_address(self, email: str) -> None:
        await self.subscriptions.delete(normalise_email(email))

    # -- helpers ----------------------------------------------------------------------------

    async def _unsubscribe(self, email: str, now: datetime) -> Subscription:
        return await unsubscribe_address(self.subscriptions, email, now)

    async def _limit(self, email: str, client_ip: str) -> None:
        keys = [(f"email:address:{email}", self.limits.per_address_per_day)]
        if client_ip:
            keys.append((f"email:ip:{client_ip}", self.limits.per_ip_per_day))
        for key, per_day in keys:
            decision = await self.limiter.hit(key, Rate(per_day, DAY))
            if not decision.allowed:
                raise RateLimited(
                    "too many email requests; try again tomorrow",
                    retry_after_seconds=decision.retry_after,
                )


@dataclass
class EmailUserData:
    """The email domain's part of an account export / erasure: the newsletter subscription of
    the account's address."""

    service: EmailService
    emails: UserEmails
    #: Where copies of sent mail are kept, when they are (the embedded outbox).
    sent_copies: SentMailCopies | None = None
    name: str = "email"

    async def export(self, user_id: str) -> Any:
        email = await self.emails.email_of(user_id)
        return {"newsletter": await self.service.export_address(email) if email else None}

    async def erase(self, user_id: str) -> None:
        email = await self.emails.email_of(user_id)
        if email:
            await self.service.erase_address(email)
            if self.sent_copies is not None:
                await self.sent_copies.forget(email)
