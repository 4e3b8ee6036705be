from __future__ import annotations

import pytest

from domains.identity.errors import InvalidAccountLink, InvalidCredentials, WeakPassword
from domains.identity.model import Device
from domains.shared.errors import Conflict, RateLimited, Unavailable
from tests.domains.identity.conftest import DEVICE, World

ADA = "ada@example.com"


async def _registered(world: World, email: str = ADA) -> str:
    return (await world.sign_up(email, "correct horse")).user.id


async def test_registering_mails_a_verification_link_to_the_new_address(world: World) -> None:
    await _registered(world)
    [mail] = world.mail.sent
    assert mail.kind == "verification" and mail.to == ADA and mail.client_ip == DEVICE.ip
    assert mail.link.startswith("https://refocused.example/verify-email?token=")


async def test_the_verification_link_verifies_the_address(world: World) -> None:
    user_id = await _registered(world)
    assert not world.store.users[user_id].email_verified
    user = await world.mailing.confirm_email(world.mail.token("verification", ADA))
    assert user.email_verified and world.store.users[user_id].email_verified


async def test_a_verification_link_expires_after_a_day(world: World) -> None:
    await _registered(world)
    world.clock.advance(hours=24, seconds=1)
    with pytest.raises(InvalidAccountLink):
        await world.mailing.confirm_email(world.mail.token("verification", ADA))


async def test_a_link_sent_to_an_earlier_address_does_not_verify_a_new_one(world: World) -> None:
    user_id = await _registered(world)
    world.store.users[user_id].email = "ada@elsewhere.example"
    with pytest.raises(InvalidAccountLink):
        await world.mailing.confirm_email(world.mail.token("verification", ADA))
    assert not world.store.users[user_id].email_verified


async def test_a_signed_in_user_can_ask_for_another_verification_link(world: World) -> None:
    user_id = await _registered(world)
    await world.mailing.request_email_verification(user_id, DEVICE)
    assert [m.kind for m in world.mail.sent] == ["verification", "verification"]
    await world.mailing.confirm_email(world.mail.token("verification", ADA))
    with pytest.raises(Conflict):
        await world.mailing.request_email_verification(user_id, DEVICE)


async def test_verification_mail_is_limited_per_account(world: World) -> None:
    user_id = await _registered(world)
    limit = world.mailing.mail_limits.verification_per_account[0]
    for _ in range(limit - 1):  # registration sent the first one
        await world.mailing.request_email_verification(user_id, DEVICE)
    with pytest.raises(RateLimited):
        await world.mailing.request_email_verification(user_id, DEVICE)
    assert len(world.mail.sent) == limit


async def test_a_mail_outage_does_not_undo_a_registration(world: World) -> None:
    world.mail.failing = True
    user_id = await _registered(world)
    assert user_id in world.store.users
    assert (await world.sessions.login(ADA, "correct horse", DEVICE)).user.id == user_id


async def test_a_reset_link_sets_a_new_password_and_works_once(world: World) -> None:
    await _registered(world)
    await world.mailing.request_password_reset(" ADA@example.com", DEVICE)
    token = world.mail.token("password_reset", ADA)
    assert world.mail.sent[-1].link.startswith("https://refocused.example/reset-password?token=")
    await world.mailing.reset_password(token, "a new horse")
    assert (await world.sessions.login(ADA, "a new horse", DEVICE)).user.email == ADA
    with pytest.raises(InvalidCredentials):
        await world.sessions.login(ADA, "correct horse", DEVICE)
    with pytest.raises(InvalidAccountLink):
        await world.mailing.reset_password(token, "a third horse")


async def test_a_reset_signs_every_session_out(world: World) -> None:
    first = await world.sign_up(ADA, "correct horse")
    second = await world.sessions.login(ADA, "correct horse", DEVICE)
    await world.mailing.request_password_reset(ADA, DEVICE)
    await world.mailing.reset_password(world.mail.token("password_reset", ADA), "a new horse")
    for sign_in in (first, second):
        stored = world.store.sessions[sign_in.session.id]
        assert stored.revoked_reason == "password_reset"
        assert sign_in.session.id in world.revocations.revoked


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(world: World) -> None:
    await world.mailing.request_password_reset("nobody@example.com", DEVICE)
    assert world.mail.sent == []


async def test_a_reset_link_expires_after_thirty_minutes(world: World) -> None:
    await _registered(world)
    await world.mailing.request_password_reset(ADA, DEVICE)
    world.clock.advance(minutes=30, seconds=1)
    with pytest.raises(InvalidAccountLink):
        await world.mailing.reset_password(world.mail.token("password_reset", ADA), "a new horse")


async def test_a_weak_new_password_is_refused_and_the_link_still_works(world: World) -> None:
    await _registered(world)
    await world.mailing.request_password_reset(ADA, DEVICE)
    token = world.mail.token("password_reset", ADA)
    with pytest.raises(WeakPassword) as caught:
        await world.mailing.reset_password(token, "short")
    assert caught.value.field == "new_password"
    await world.mailing.reset_password(token, "a new horse")


async def test_a_verification_token_cannot_reset_a_password(world: World) -> None:
    await _registered(world)
    with pytest.raises(InvalidAccountLink):
        await world.mailing.reset_password(world.mail.token("verification", ADA), "a new horse")


async def test_reset_requests_are_limited_per_address_known_or_not(world: World) -> None:
    await _registered(world)
    limit = world.mailing.mail_limits.reset_per_address[0]
    for email in (ADA, "nobody@example.com"):
        for i in range(limit):
            await world.mailing.request_password_reset(email, Device(ip=f"198.51.100.{i}"))
        with pytest.raises(RateLimited):
            await world.mailing.request_password_reset(email, Device(ip="198.51.100.99"))


async def test_reset_requests_are_limited_per_client_ip(world: World) -> None:
    limit = world.mailing.mail_limits.reset_per_ip[0]
    for i in range(limit):
        await world.mailing.request_password_reset(f"user{i}@example.com", DEVICE)
    with pytest.raises(RateLimited):
        await world.mailing.request_password_reset("one-more@example.com", DEVICE)


async def test_a_reset_mail_that_cannot_go_out_is_not_reported(world: World) -> None:
    await _registered(world)
    world.mail.failing = True
    await world.mailing.request_password_reset(ADA, DEVICE)
    assert [m.kind for m in world.mail.sent] == ["verification"]


async def test_without_mail_configured_reset_requests_are_refused_up_front(world: World) -> None:
    world.mailing.mail = None
    with pytest.raises(Unavailable):
        await world.mailing.admit_password_reset(ADA, DEVICE)
