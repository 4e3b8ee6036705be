from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from domains.email.errors import InvalidLink
from domains.email.links import LinkSigner
from domains.email.model import (
    DeliveryOutcome,
    EmailLimits,
    MailKind,
    OutgoingMail,
    SubscriptionStatus,
)
from domains.email.use_cases import BounceHandling, EmailService, MailDelivery
from domains.shared.errors import InvalidInput, RateLimited
from tests.domains.email.fakes import (
    ClockedRateLimiter,
    FakeClock,
    FakeDeliveryLog,
    FakeSubscriptions,
    FakeSuppressions,
    ListQueue,
    RecordingTransport,
)

BASE = "https://api.example.com/api/v1/email"
KEY = b"k" * 32


class World:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.subscriptions = FakeSubscriptions()
        self.suppressions = FakeSuppressions()
        self.queue = ListQueue()
        self.service = EmailService(
            subscriptions=self.subscriptions,
            suppressions=self.suppressions,
            queue=self.queue,
            links=LinkSigner(KEY),
            limiter=ClockedRateLimiter(self.clock),
            clock=self.clock,
            limits=EmailLimits(per_address_per_day=3, per_ip_per_day=5),
        )
        self.bounces = BounceHandling(self.subscriptions, self.suppressions, self.clock)

    def token_in_last_mail(self) -> str:
        match = re.search(r"token=([^\s]+)", self.queue.queued[-1].text)
        assert match, self.queue.queued[-1].text
        return unquote(match.group(1))


@pytest.fixture
def world() -> World:
    return World()


async def test_subscribing_stores_a_pending_subscription_and_mails_a_confirmation_link(
    world: World,
) -> None:
    await world.service.subscribe(" Ada@Example.COM ", "10.0.0.1", BASE)
    assert world.subscriptions.items["ada@example.com"].status is SubscriptionStatus.PENDING
    mail = world.queue.queued[0]
    assert mail.to == "ada@example.com"
    assert mail.kind is MailKind.NEWSLETTER_CONFIRMATION
    assert f"{BASE}/newsletter/confirm?token=" in mail.text


async def test_the_confirmation_link_subscribes_the_address(world: World) -> None:
    await world.service.subscribe("ada@example.com", "10.0.0.1", BASE)
    subscription = await world.service.confirm(world.token_in_last_mail())
    assert subscription.status is SubscriptionStatus.SUBSCRIBED
    assert world.subscriptions.items["ada@example.com"].confirmed_at == world.clock.now()


async def test_a_confirmation_link_expires_after_two_days(world: World) -> None:
    await world.service.subscribe("ada@example.com", "10.0.0.1", BASE)
    token = world.token_in_last_mail()
    world.clock.advance(days=2, seconds=1)
    with pytest.raises(InvalidLink):
        await world.service.confirm(token)
    assert world.subscriptions.items["ada@example.com"].status is SubscriptionStatus.PENDING


async def test_a_tampered_or_foreign_link_is_refused(world: World) -> None:
    await world.service.subscribe("ada@example.com", "10.0.0.1", BASE)
    token = world.token_in_last_mail()
    with pytest.raises(InvalidLink):
        await world.service.confirm(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    other_key = LinkSigner(b"o" * 32).sign(
        "newsletter-confirm", "ada@example.com", world.clock.now().replace(year=2030)
    )
    with pytest.raises(InvalidLink):
        await world.service.confirm(other_key)
    # A confirmation token is not an unsubscribe token.
    with pytest.raises(InvalidLink):
        await world.service.unsubscribe(token)


async def test_one_click_unsubscribe_works_without_signing_in_and_twice(world: World) -> None:
    await world.service.subscribe("ada@example.com", "10.0.0.1", BASE)
    await world.service.confirm(world.token_in_last_mail())
    url = world.service.unsubscribe_url("ada@example.com", BASE)
    token = unquote(url.split("token=")[1])
    assert (await world.service.unsubscribe(token)).status is SubscriptionStatus.UNSUBSCRIBED
    assert (await world.service.unsubscribe(token)).status is SubscriptionStatus.UNSUBSCRIBED
    assert (await world.service.status(token)).status is SubscriptionStatus.UNSUBSCRIBED


async def test_subscribing_an_already_subscribed_address_sends_nothing(world: World) -> None:
    await world.service.subscribe("ada@example.com", "10.0.0.1", BASE)
    await world.service.confirm(world.token_in_last_mail())
    await world.service.subscribe("ada@example.com", "10.0.0.2", BASE)
    assert len(world.queue.queued) == 1


async def test_an_address_gets_a_few_mails_a_day_then_429_until_the_day_passes(
    world: World,
) -> None:
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        await world.service.subscribe("ada@example.com", ip, BASE)
    with pytest.raises(RateLimited) as refused:
        await world.service.subscribe("ada@example.com", "10.0.0.4", BASE)
    assert refused.value.retry_after_seconds > 0
    world.clock.advance(days=1)
    await world.service.subscribe("ada@example.com", "10.0.0.4", BASE)
    assert len(world.queue.queued) == 4


async def test_one_client_address_cannot_mail_many_addresses(world: World) -> None:
    for n in range(5):
        await world.service.subscribe(f"user{n}@example.com", "10.0.0.9", BASE)
    with pytest.raises(RateLimited):
        await world.service.subscribe("user9@example.com", "10.0.0.9", BASE)


async def test_an_invalid_address_is_refused_before_anything_is_stored(world: World) -> None:
    with pytest.raises(InvalidInput):
        await world.service.subscribe("not-an-address", "10.0.0.1", BASE)
    assert not world.subscriptions.items and not world.queue.queued


async def test_transactional_mail_goes_through_the_same_queue(world: World) -> None:
    await world.service.send_verification("Ada@example.com", "https://app/verify?t=1")
    await world.service.send_password_reset("ada@example.com", "https://app/reset?t=2")
    kinds = [m.kind for m in world.queue.queued]
    assert kinds == [MailKind.VERIFICATION, MailKind.PASSWORD_RESET]
    assert "https://app/reset?t=2" in world.queue.queued[1].text


async def test_a_complaint_unsubscribes_and_a_permanent_bounce_suppresses(world: World) -> None:
    await world.service.subscribe("ada@example.com", "10.0.0.1", BASE)
    await world.service.confirm(world.token_in_last_mail())
    assert await world.bounces.record_complaint(["ada@example.com"]) == 1
    assert world.subscriptions.items["ada@example.com"].status is SubscriptionStatus.UNSUBSCRIBED
    assert await world.bounces.record_bounce(["bob@example.com"], permanent=False) == 0
    assert "bob@example.com" not in world.suppressions.items
    assert await world.bounces.record_bounce(["bob@example.com", "junk"], permanent=True) == 1
    assert "bob@example.com" in world.suppressions.items


# -- delivery ------------------------------------------------------------------------------


def delivery(world: World, transport: RecordingTransport) -> MailDelivery:
    return MailDelivery(world.suppressions, FakeDeliveryLog(), transport, world.clock)


def mail(to: str = "ada@example.com", kind: MailKind = MailKind.VERIFICATION) -> OutgoingMail:
    return OutgoingMail(to=to, subject="Hello", text="body", kind=kind)


async def test_delivering_the_same_message_twice_sends_it_once(world: World) -> None:
    transport = RecordingTransport()
    sender = delivery(world, transport)
    message = mail()
    assert await sender.deliver(message) is DeliveryOutcome.SENT
    assert await sender.deliver(message) is DeliveryOutcome.DUPLICATE
    assert len(transport.sent) == 1


async def test_a_failed_send_can_be_retried(world: World) -> None:
    transport = RecordingTransport(failures=1)
    sender = delivery(world, transport)
    message = mail()
    with pytest.raises(ConnectionError):
        await sender.deliver(message)
    assert await sender.deliver(message) is DeliveryOutcome.SENT
    assert len(transport.sent) == 1


async def test_a_complained_address_still_gets_a_password_reset_but_no_newsletter(
    world: World,
) -> None:
    await world.bounces.record_complaint(["ada@example.com"])
    transport = RecordingTransport()
    sender = delivery(world, transport)
    assert await sender.deliver(mail(kind=MailKind.NEWSLETTER)) is DeliveryOutcome.SUPPRESSED
    assert await sender.deliver(mail(kind=MailKind.PASSWORD_RESET)) is DeliveryOutcome.SENT


async def test_a_bounced_address_gets_no_mail_at_all(world: World) -> None:
    await world.bounces.record_bounce(["ada@example.com"], permanent=True)
    transport = RecordingTransport()
    assert await delivery(world, transport).deliver(mail()) is DeliveryOutcome.SUPPRESSED
    assert transport.sent == []


def test_a_subject_cannot_smuggle_headers() -> None:
    with pytest.raises(InvalidInput):
        OutgoingMail(to="a@b.co", subject="Hi\r\nBcc: x@y.z", text="", kind=MailKind.NEWSLETTER)
