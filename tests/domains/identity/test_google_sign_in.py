"""Google sign-in: an address someone else registered without proving it, and the nonce that
binds each ID token to the sign-in it was made for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domains.identity.errors import InvalidCredentials, InvalidToken, UnverifiedAccountExists
from domains.identity.model import GoogleIdentity
from domains.shared.errors import InvalidInput
from tests.domains.identity.conftest import DEVICE, World, google_sign_in

VICTIM = GoogleIdentity("g-victim", "victim@example.com", True, "Victim")


async def squat(world: World) -> str:
    """The attacker registers the victim's address with a password of theirs, signs in on two
    devices and writes something."""
    first = await world.sign_up("victim@example.com", "attacker pass")
    await world.sessions.login("victim@example.com", "attacker pass", DEVICE)
    world.notes.data[first.user.id] = ["planted"]
    return first.user.id


async def test_a_squatted_address_is_not_linked_without_the_google_owners_say(
    world: World,
) -> None:
    squatter = await squat(world)
    with pytest.raises(UnverifiedAccountExists) as refused:
        await google_sign_in(world, VICTIM)
    assert refused.value.field == "replace_unverified_account"
    user = world.store.users[squatter]
    assert user.google_subject is None and not user.email_verified
    assert world.notes.data[squatter] == ["planted"]


async def test_replacing_a_squatted_account_erases_it_and_ends_its_sessions(
    world: World,
) -> None:
    squatter = await squat(world)
    squatter_sessions = {s.id for s in world.store.sessions.values() if s.user_id == squatter}
    taken = await google_sign_in(world, VICTIM, replace_unverified_account=True)
    assert taken.user.id != squatter
    assert taken.user.password_hash is None and taken.user.email_verified
    assert taken.user.google_subject == "g-victim" and taken.user.display_name == "Victim"
    assert squatter not in world.store.users
    assert squatter not in world.notes.data  # erased through the contributors
    assert squatter_sessions <= world.revocations.revoked
    assert not any(s.user_id == squatter for s in world.store.sessions.values())
    with pytest.raises(InvalidCredentials):
        await world.sessions.login("victim@example.com", "attacker pass", DEVICE)
    assert (await world.data.export(taken.user.id))["notes"] == []


async def test_a_verified_password_account_is_linked_with_its_data_and_sessions(
    world: World,
) -> None:
    owner = await world.sign_up("victim@example.com", "owner pass")
    world.store.users[owner.user.id].email_verified = True
    world.notes.data[owner.user.id] = ["mine"]
    linked = await google_sign_in(world, VICTIM, replace_unverified_account=True)
    assert linked.user.id == owner.user.id and linked.user.password_hash == "h:owner pass"
    assert world.notes.data[owner.user.id] == ["mine"]
    assert owner.session.id not in world.revocations.revoked


async def test_google_sign_in_needs_the_verifier_of_a_nonce_we_issued(world: World) -> None:
    world.google.identities["token"] = VICTIM
    with pytest.raises(InvalidInput) as missing:
        await world.sessions.sign_in_with_google("token", None, DEVICE)
    assert missing.value.field == "nonce_verifier"
    with pytest.raises(InvalidToken, match="not one of ours"):
        await world.sessions.sign_in_with_google("token", "v-made-up", DEVICE)


async def test_the_tokens_nonce_must_be_the_one_of_this_sign_in(world: World) -> None:
    mine, other = world.sessions.start_google_sign_in(), world.sessions.start_google_sign_in()
    world.google.identities["no-nonce"] = VICTIM
    world.google.identities["others"] = GoogleIdentity(
        "g-victim", "victim@example.com", True, nonce=other.nonce
    )
    for token in ("no-nonce", "others"):
        with pytest.raises(InvalidToken, match="not issued for this sign-in"):
            await world.sessions.sign_in_with_google(token, mine.verifier, DEVICE)
    assert not world.store.users


async def test_a_nonce_signs_in_once_and_not_after_it_expires(world: World) -> None:
    started = world.sessions.start_google_sign_in()
    world.google.identities["token"] = GoogleIdentity(
        "g-victim", "victim@example.com", True, nonce=started.nonce
    )
    await world.sessions.sign_in_with_google("token", started.verifier, DEVICE)
    with pytest.raises(InvalidToken, match="already used"):
        await world.sessions.sign_in_with_google("token", started.verifier, DEVICE)
    late = world.sessions.start_google_sign_in()
    world.google.identities["late"] = GoogleIdentity(
        "g-victim", "victim@example.com", True, nonce=late.nonce
    )
    world.clock.set(world.clock.now() + timedelta(minutes=11))
    with pytest.raises(InvalidToken):
        await world.sessions.sign_in_with_google("late", late.verifier, DEVICE)
