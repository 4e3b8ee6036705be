from __future__ import annotations

import pytest

from domains.identity.errors import InvalidCredentials, InvalidToken
from domains.identity.model import Principal
from domains.identity.ports import RevocationState
from domains.shared.errors import NotFound, Unavailable
from tests.domains.identity.conftest import DEVICE, World


async def test_an_access_token_identifies_its_user_and_session(world: World) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    principal = await world.sessions.authenticate(sign_in.access_token)
    assert principal == Principal(sign_in.user.id, sign_in.session.id)


async def test_an_expired_access_token_is_refused(world: World) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    world.clock.advance(minutes=16)
    with pytest.raises(InvalidToken):
        await world.sessions.authenticate(sign_in.access_token)


async def test_a_refresh_token_is_not_an_access_token(world: World) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    with pytest.raises(InvalidToken):
        await world.sessions.authenticate(sign_in.refresh_token)


async def test_refreshing_rotates_the_refresh_token(world: World) -> None:
    first = await world.sign_up("ada@example.com", "correct horse")
    second = await world.sessions.refresh(first.refresh_token, DEVICE)
    assert second.refresh_token != first.refresh_token
    assert second.session.id == first.session.id
    third = await world.sessions.refresh(second.refresh_token, DEVICE)
    assert third.session.generation == 2


async def test_reusing_a_rotated_refresh_token_ends_the_whole_family(world: World) -> None:
    first = await world.sign_up("ada@example.com", "correct horse")
    second = await world.sessions.refresh(first.refresh_token, DEVICE)
    with pytest.raises(InvalidToken, match="already used"):
        await world.sessions.refresh(first.refresh_token, DEVICE)
    # The legitimate holder's newer tokens die with the family.
    with pytest.raises(InvalidToken):
        await world.sessions.refresh(second.refresh_token, DEVICE)
    with pytest.raises(InvalidToken):
        await world.sessions.authenticate(second.access_token)
    assert world.store.sessions[first.session.id].revoked_reason == "refresh_token_reuse"


async def test_a_remembered_session_lasts_thirty_days_and_a_normal_one_seven(
    world: World,
) -> None:
    normal = await world.sign_up("ada@example.com", "correct horse")
    remembered = await world.sessions.login(
        "ada@example.com", "correct horse", DEVICE, remember_me=True
    )
    world.clock.advance(days=8)
    with pytest.raises(InvalidToken):
        await world.sessions.refresh(normal.refresh_token, DEVICE)
    assert (await world.sessions.refresh(remembered.refresh_token, DEVICE)).user.id


async def test_logout_revokes_access_and_refresh_at_once(world: World) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    principal = await world.sessions.authenticate(sign_in.access_token)
    await world.sessions.logout(principal)
    with pytest.raises(InvalidToken):
        await world.sessions.authenticate(sign_in.access_token)
    with pytest.raises(InvalidToken):
        await world.sessions.refresh(sign_in.refresh_token, DEVICE)


async def test_a_cold_cache_still_knows_revocations_from_the_durable_sessions(
    world: World,
) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    await world.sessions.logout(Principal(sign_in.user.id, sign_in.session.id))
    world.revocations.revoked.clear()  # the cache restarted and forgot everything
    world.revocations.warm_state = False
    with pytest.raises(InvalidToken):
        await world.sessions.authenticate(sign_in.access_token)
    other = await world.sessions.login("ada@example.com", "correct horse", DEVICE)
    assert await world.sessions.authenticate(other.access_token)


async def test_changing_the_password_signs_out_every_other_session(world: World) -> None:
    phone = await world.sign_up("ada@example.com", "correct horse")
    laptop = await world.sessions.login("ada@example.com", "correct horse", DEVICE)
    principal = Principal(laptop.user.id, laptop.session.id)
    with pytest.raises(InvalidCredentials):
        await world.accounts.change_password(principal, "wrong", "new password!", DEVICE)
    fresh = await world.accounts.change_password(
        principal, "correct horse", "new password!", DEVICE
    )
    for old in (phone, laptop):
        with pytest.raises(InvalidToken):
            await world.sessions.authenticate(old.access_token)
    assert await world.sessions.authenticate(fresh.access_token)
    await world.sessions.login("ada@example.com", "new password!", DEVICE)


async def test_a_user_cannot_revoke_another_users_session(world: World) -> None:
    ada = await world.sign_up("ada@example.com", "correct horse")
    bob = await world.sign_up("bob@example.com", "correct horse")
    with pytest.raises(NotFound):
        await world.sessions.revoke_session(bob.user.id, ada.session.id)
    assert await world.sessions.authenticate(ada.access_token)


async def test_the_session_list_shows_only_active_sessions_of_the_user(world: World) -> None:
    one = await world.sign_up("ada@example.com", "correct horse")
    two = await world.sessions.login("ada@example.com", "correct horse", DEVICE)
    await world.register("bob@example.com", "correct horse", DEVICE)
    await world.sessions.revoke_session(one.user.id, one.session.id)
    sessions = await world.sessions.list_sessions(one.user.id)
    assert [s.id for s in sessions] == [two.session.id]


async def test_a_cache_that_cannot_answer_leaves_the_decision_to_the_session_row(
    world: World,
) -> None:
    kept = await world.sign_up("ada@example.com", "correct horse")
    ended = await world.sessions.login("ada@example.com", "correct horse", DEVICE)
    await world.sessions.logout(Principal(ended.user.id, ended.session.id))
    world.revocations.revoked.clear()  # the cache never heard of it
    world.revocations.warm_state = False
    sessions, read = world.sessions, world.sessions.read_access_token
    with pytest.raises(InvalidToken):
        await sessions.confirm_session(read(ended.access_token), RevocationState.UNAVAILABLE)
    principal = await sessions.confirm_session(read(kept.access_token), RevocationState.UNAVAILABLE)
    assert principal.session_id == kept.session.id
    assert not world.revocations.warm_state  # a cache that is down is not taught


async def test_a_cache_that_forgot_relearns_even_sessions_whose_rows_are_gone(
    world: World,
) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")
    del world.store.sessions[sign_in.session.id]  # the account and its sessions were erased
    world.revocations.warm_state = False
    claims = world.sessions.read_access_token(sign_in.access_token)
    with pytest.raises(InvalidToken):
        await world.sessions.confirm_session(claims, RevocationState.UNKNOWN)
    assert world.revocations.warm_state
    assert await world.revocations.state(sign_in.session.id) is RevocationState.REVOKED


async def test_a_cache_that_fails_while_relearning_does_not_fail_the_request(
    world: World,
) -> None:
    sign_in = await world.sign_up("ada@example.com", "correct horse")

    async def down(*_: object) -> None:
        raise Unavailable("the session store is unavailable")

    world.revocations.warm = down  # type: ignore[method-assign]
    claims = world.sessions.read_access_token(sign_in.access_token)
    principal = await world.sessions.confirm_session(claims, RevocationState.UNKNOWN)
    assert principal.session_id == sign_in.session.id
