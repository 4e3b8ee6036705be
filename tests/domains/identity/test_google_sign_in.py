"""Google sign-in: the nonce that binds each ID token to the sign-in it was made for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domains.identity.errors import InvalidToken
from domains.identity.model import GoogleIdentity
from domains.shared.errors import InvalidInput
from tests.domains.identity.conftest import DEVICE, World

VICTIM = GoogleIdentity("g-victim", "victim@example.com", True, "Victim")


async def test_google_sign_in_needs_the_verifier_of_a_nonce_we_issued(world: World) -> None:
    world.google.identities["token"] = VICTIM
    with pytest.raises(InvalidInput) as missing:
        await world.service.sign_in_with_google("token", None, DEVICE)
    assert missing.value.field == "nonce_verifier"
    with pytest.raises(InvalidToken, match="not one of ours"):
        await world.service.sign_in_with_google("token", "v-made-up", DEVICE)


async def test_the_tokens_nonce_must_be_the_one_of_this_sign_in(world: World) -> None:
    mine, other = world.service.start_google_sign_in(), world.service.start_google_sign_in()
    world.google.identities["no-nonce"] = VICTIM
    world.google.identities["others"] = GoogleIdentity(
        "g-victim", "victim@example.com", True, nonce=other.nonce
    )
    for token in ("no-nonce", "others"):
        with pytest.raises(InvalidToken, match="not issued for this sign-in"):
            await world.service.sign_in_with_google(token, mine.verifier, DEVICE)
    assert not world.store.users


async def test_a_nonce_signs_in_once_and_not_after_it_expires(world: World) -> None:
    started = world.service.start_google_sign_in()
    world.google.identities["token"] = GoogleIdentity(
        "g-victim", "victim@example.com", True, nonce=started.nonce
    )
    await world.service.sign_in_with_google("token", started.verifier, DEVICE)
    with pytest.raises(InvalidToken, match="already used"):
        await world.service.sign_in_with_google("token", started.verifier, DEVICE)
    late = world.service.start_google_sign_in()
    world.google.identities["late"] = GoogleIdentity(
        "g-victim", "victim@example.com", True, nonce=late.nonce
    )
    world.clock.set(world.clock.now() + timedelta(minutes=11))
    with pytest.raises(InvalidToken):
        await world.service.sign_in_with_google("late", late.verifier, DEVICE)
