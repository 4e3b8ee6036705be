from __future__ import annotations

import pytest

from domains.identity.errors import (
    InvalidCredentials,
    UnverifiedAccountExists,
    WeakPassword,
)
from domains.identity.model import Device, GoogleIdentity, LoginLimits, Principal
from domains.shared.errors import InvalidInput, RateLimited
from tests.domains.identity.conftest import DEVICE, World, google_sign_in


async def test_a_registered_user_can_sign_in_with_the_same_email_in_any_case(world: World) -> None:
    await world.register("Ada@Example.com ", "correct horse", DEVICE)
    sign_in = await world.sessions.login("ada@example.COM", "correct horse", DEVICE)
    assert sign_in.user.email == "ada@example.com"


async def test_the_stored_password_is_a_hash_not_the_password(world: World) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    stored = world.store.users[sign_in.user.id].password_hash
    assert stored == "h:correct horse" != "correct horse"


async def test_a_taken_address_registers_like_a_new_one_and_its_owner_is_told(
    world: World,
) -> None:
    await world.register("ada@example.com", "correct horse", DEVICE)
    assert await world.register("ADA@example.com", "another one", DEVICE) is None
    assert [u.email for u in world.store.users.values()] == ["ada@example.com"]
    assert world.hasher.hashed == 2  # the same work either way: the time tells nothing either
    notice = world.mail.sent[-1]
    assert (notice.kind, notice.to) == ("registration_attempt", "ada@example.com")
    assert (await world.sessions.login("ada@example.com", "correct horse", DEVICE)).user
    with pytest.raises(InvalidCredentials):
        await world.sessions.login("ada@example.com", "another one", DEVICE)


async def test_registering_signs_nobody_in(world: World) -> None:
    await world.register("ada@example.com", "correct horse", DEVICE)
    assert world.store.sessions == {}


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 8"), ("x" * 129, "at most 128"), ("        ", "only spaces")],
)
async def test_passwords_outside_the_policy_are_refused_with_a_clear_message(
    world: World, password: str, message: str
) -> None:
    with pytest.raises(WeakPassword, match=message) as caught:
        await world.register("ada@example.com", password, DEVICE)
    assert caught.value.field == "password"


async def test_an_unknown_time_zone_is_refused_at_registration(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        await world.register(
            "ada@example.com", "correct horse", DEVICE, time_zone_name="Mars/Olympus"
        )
    assert caught.value.field == "time_zone"


async def test_unknown_email_and_wrong_password_fail_alike(world: World) -> None:
    await world.register("ada@example.com", "correct horse", DEVICE)
    with pytest.raises(InvalidCredentials) as wrong:
        await world.sessions.login("ada@example.com", "wrong horse", DEVICE)
    with pytest.raises(InvalidCredentials) as unknown:
        await world.sessions.login("bob@example.com", "correct horse", DEVICE)
    assert wrong.value.detail == unknown.value.detail


async def test_an_unknown_email_still_costs_a_password_verification(world: World) -> None:
    with pytest.raises(InvalidCredentials):
        await world.sessions.login("nobody@example.com", "correct horse", DEVICE)
    assert world.hasher.verified_unknown == 1


async def test_login_rehashes_a_password_stored_with_old_parameters(world: World) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    world.store.users[sign_in.user.id].password_hash = "h:correct horse"
    world.hasher.outdated.add("h:correct horse")
    world.hasher.hash = _new_scheme  # type: ignore[method-assign]
    await world.sessions.login("ada@example.com", "correct horse", DEVICE)
    assert world.store.users[sign_in.user.id].password_hash == "v2:correct horse"


async def _new_scheme(password: str) -> str:
    return "v2:" + password


async def test_logins_per_account_are_limited(world: World) -> None:
    await world.register("ada@example.com", "correct horse", DEVICE)
    for _ in range(world.sessions.login_limits.per_account[0]):
        with pytest.raises(InvalidCredentials):
            await world.sessions.login("ada@example.com", "guess", DEVICE)
    with pytest.raises(RateLimited):
        await world.sessions.login("ada@example.com", "correct horse", DEVICE)


def _from(n: int) -> Device:
    return Device(ip=f"198.51.100.{n}")


async def test_a_correct_password_is_never_counted(world: World) -> None:
    world.sessions.login_limits = LoginLimits(per_ip=(1000, 60.0), per_account=(3, 300.0))
    await world.register("ada@example.com", "correct horse", DEVICE)
    for _ in range(10):
        await world.sessions.login("ada@example.com", "correct horse", DEVICE)


async def test_wrong_passwords_from_other_clients_do_not_stop_the_owner(world: World) -> None:
    await world.register("ada@example.com", "correct horse", DEVICE)
    for n in range(4):  # each client up to its limit, the account short of being under attack
        for _ in range(world.sessions.login_limits.per_account[0]):
            with pytest.raises(InvalidCredentials):
                await world.sessions.login("ada@example.com", "guess", _from(n))
        with pytest.raises(RateLimited):
            await world.sessions.login("ada@example.com", "guess", _from(n))
    assert (await world.sessions.login("ada@example.com", "correct horse", DEVICE)).user


async def test_under_attack_each_client_gets_one_guess_and_the_owner_still_signs_in(
    world: World,
) -> None:
    world.sessions.login_limits = LoginLimits(per_account_everywhere=(5, 3600.0))
    await world.register("ada@example.com", "correct horse", DEVICE)
    for n in range(5):
        with pytest.raises(InvalidCredentials):
            await world.sessions.login("ada@example.com", "guess", _from(n))
    with pytest.raises(RateLimited):  # it failed once already
        await world.sessions.login("ada@example.com", "guess", _from(0))
    with pytest.raises(InvalidCredentials):
        await world.sessions.login("ada@example.com", "guess", _from(99))
    with pytest.raises(RateLimited):
        await world.sessions.login("ada@example.com", "correct horse", _from(99))
    assert (await world.sessions.login("ada@example.com", "correct horse", DEVICE)).user


async def test_an_ipv6_network_counts_as_one_client(world: World) -> None:
    await world.register("ada@example.com", "correct horse", DEVICE)
    for n in range(world.sessions.login_limits.per_account[0]):
        with pytest.raises(InvalidCredentials):
            await world.sessions.login("ada@example.com", "guess", Device(ip=f"2001:db8::{n}"))
    with pytest.raises(RateLimited):
        await world.sessions.login("ada@example.com", "guess", Device(ip="2001:db8::ffff"))


async def test_unknown_accounts_are_limited_exactly_like_known_ones(world: World) -> None:
    world.sessions.login_limits = LoginLimits(per_ip=(1000, 60.0))
    await world.register("ada@example.com", "correct horse", DEVICE)
    outcomes = {}
    for address in ("ada@example.com", "nobody@example.com"):
        seen = []
        for _ in range(world.sessions.login_limits.per_account[0] + 2):
            try:
                await world.sessions.login(address, "guess", DEVICE)
            except (InvalidCredentials, RateLimited) as e:
                seen.append((type(e), e.detail))
        outcomes[address] = seen
    assert outcomes["ada@example.com"] == outcomes["nobody@example.com"]


async def test_profile_changes_are_validated(world: World) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    user = await world.accounts.update_profile(
        sign_in.user.id, display_name="  Ada L. ", time_zone_name="Europe/Paris"
    )
    assert (user.display_name, user.time_zone) == ("Ada L.", "Europe/Paris")
    with pytest.raises(InvalidInput):
        await world.accounts.update_profile(sign_in.user.id, time_zone_name="Nowhere/City")
    with pytest.raises(InvalidInput):
        await world.accounts.update_profile(sign_in.user.id, display_name="   ")


async def test_google_sign_in_creates_an_account_for_a_verified_email(world: World) -> None:
    grace = GoogleIdentity("g-1", "grace@example.com", True, "Grace")
    sign_in = await google_sign_in(world, grace)
    assert sign_in.user.email_verified and sign_in.user.display_name == "Grace"
    again = await google_sign_in(world, grace)
    assert again.user.id == sign_in.user.id


async def test_google_links_to_an_existing_account_only_when_both_addresses_are_verified(
    world: World,
) -> None:
    first = await world.sign_up("grace@example.com", "correct horse")
    unverified_google = GoogleIdentity("g-2", "grace@example.com", False)
    with pytest.raises(InvalidCredentials.__mro__[1]):  # Unauthenticated
        await google_sign_in(world, unverified_google)
    # Nor is an account whose own address was never verified linked (it may be a squatter's).
    verified_google = GoogleIdentity("g-2", "grace@example.com", True)
    with pytest.raises(UnverifiedAccountExists):
        await google_sign_in(world, verified_google)
    assert world.store.users[first.user.id].google_subject is None
    world.store.users[first.user.id].email_verified = True
    linked = await google_sign_in(world, verified_google)
    assert linked.user.id == first.user.id


async def test_export_holds_the_account_and_every_domain(world: World) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    world.notes.data[sign_in.user.id] = ["first note"]
    data = await world.data.export(sign_in.user.id)
    assert data["account"]["email"] == "ada@example.com"
    assert data["notes"] == ["first note"]
    assert "password_hash" not in str(data) and "h:correct horse" not in str(data)


async def test_deleting_the_account_erases_every_domain_and_needs_the_password(
    world: World,
) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    world.notes.data[sign_in.user.id] = ["first note"]
    principal = Principal(sign_in.user.id, sign_in.session.id)
    with pytest.raises(InvalidCredentials):
        await world.data.delete_account(principal, "wrong")
    await world.data.delete_account(principal, "correct horse")
    assert sign_in.user.id not in world.store.users
    assert world.notes.data == {}
    assert sign_in.session.id in world.revocations.revoked
    assert not world.store.sessions
