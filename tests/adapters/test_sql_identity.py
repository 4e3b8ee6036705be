"""The identity repositories on both databases the product runs on."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from adapters.sql.identity import AsyncpgIdentityReader, SqlAlchemyIdentityUnitOfWork
from adapters.sql.read_pool import ReadPool
from adapters.sql.tables.identity import sessions as sessions_table
from domains.identity.errors import EmailAlreadyRegistered
from domains.identity.model import Session, User

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def a_user(email: str | None = None) -> User:
    return User(
        id=str(uuid.uuid4()),
        email=email or f"{uuid.uuid4().hex[:10]}@example.com",
        display_name="Ada",
        time_zone="Europe/London",
        created_at=NOW,
        updated_at=NOW,
        password_hash="$argon2id$...",
    )


def a_session(user: User) -> Session:
    return Session(
        id=str(uuid.uuid4()),
        user_id=user.id,
        refresh_jti=str(uuid.uuid4()),
        created_at=NOW,
        last_used_at=NOW,
        expires_at=NOW + timedelta(days=7),
        user_agent="pytest",
    )


async def test_a_user_round_trips_with_aware_utc_times(engine: AsyncEngine) -> None:
    user = a_user()
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        loaded = await uow.users.get(user.id)
        by_email = await uow.users.get_by_email(user.email)
    assert loaded == user == by_email
    assert loaded is not None and loaded.created_at.tzinfo is not None


async def test_a_taken_email_raises_the_domain_error(engine: AsyncEngine) -> None:
    user = a_user()
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        with pytest.raises(EmailAlreadyRegistered):
            await uow.users.add(a_user(user.email))


async def test_leaving_without_commit_rolls_back(engine: AsyncEngine) -> None:
    user = a_user()
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        assert await uow.users.get(user.id) is None


async def test_rotation_succeeds_once_for_the_expected_token(engine: AsyncEngine) -> None:
    user = a_user()
    session = a_session(user)
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.sessions.add(session)
        await uow.commit()
    later = NOW + timedelta(minutes=5)

    async def rotate(new_jti: str) -> bool:
        async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
            ok = await uow.sessions.rotate(
                session.id,
                expected_jti=session.refresh_jti,
                new_jti=new_jti,
                now=later,
                expires_at=later + timedelta(days=7),
            )
            await uow.commit()
            return ok

    results = await asyncio.gather(*(rotate(str(uuid.uuid4())) for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        stored = await uow.sessions.get(session.id)
    assert stored is not None and stored.generation == 1 and stored.last_used_at == later


async def test_revoking_all_keeps_the_named_session_and_reports_the_rest(
    engine: AsyncEngine,
) -> None:
    user = a_user()
    keep, *others = [a_session(user) for _ in range(3)]
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        for s in (keep, *others):
            await uow.sessions.add(s)
        revoked = await uow.sessions.revoke_all_for_user(
            user.id, reason="password_changed", now=NOW, keep=keep.id
        )
        await uow.commit()
    assert sorted(revoked) == sorted(s.id for s in others)
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        since = await uow.sessions.revoked_since(NOW - timedelta(minutes=1))
        assert set(revoked) <= set(since) and keep.id not in since


async def test_deleting_a_user_cascades_to_their_sessions(engine: AsyncEngine) -> None:
    user = a_user()
    session = a_session(user)
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.sessions.add(session)
        await uow.commit()
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.delete(user.id)
        await uow.commit()
    async with engine.connect() as c:
        rows = (
            await c.execute(select(sessions_table).where(sessions_table.c.id == session.id))
        ).all()
    assert rows == []


async def test_a_locked_user_row_makes_a_second_writer_wait(engine: AsyncEngine) -> None:
    user = a_user()
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    first_holds_lock = asyncio.Event()
    seen: dict[str, str] = {}

    async def writer(name: str, hold: float) -> None:
        async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
            locked = await uow.users.get_for_update(user.id)
            assert locked is not None
            seen[name] = locked.display_name
            if name == "first":
                first_holds_lock.set()
            await asyncio.sleep(hold)
            locked.display_name = name
            await uow.users.update(locked)
            await uow.commit()

    first = asyncio.create_task(writer("first", 0.3))
    await first_holds_lock.wait()
    await writer("second", 0)
    await first
    # Had the second writer not waited for the lock, it would have read the name from before
    # the first writer's change. (Comparing the order in which the two coroutines resumed would
    # race: the first's commit and the second's lock grant reach the event loop together.)
    assert seen == {"first": user.display_name, "second": "first"}
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        final = await uow.users.get(user.id)
    assert final is not None and final.display_name == "second"


async def test_the_asyncpg_reader_answers_like_the_sqlalchemy_repositories(
    postgres_url: str,
) -> None:
    """PostgreSQL's hot reads run on raw asyncpg; they must return the same domain objects."""
    engine = create_engine(postgres_url, pool_size=2)
    pool = ReadPool(engine, max_size=2)
    try:
        user = a_user()
        user.google_subject = f"google-{uuid.uuid4().hex}"
        user.email_verified = True
        older, newer = a_session(user), a_session(user)
        newer.last_used_at = NOW + timedelta(minutes=5)
        async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
            await uow.users.add(user)
            await uow.sessions.add(older)
            await uow.sessions.add(newer)
            await uow.sessions.revoke(older.id, reason="logout", now=NOW + timedelta(minutes=1))
            await uow.commit()
        async with SqlAlchemyIdentityUnitOfWork(engine, read_only=True) as uow:
            expected_sessions = await uow.sessions.list_for_user(user.id)
            expected_revoked = await uow.sessions.revoked_since(NOW)
            expected_older = await uow.sessions.get(older.id)
        async with AsyncpgIdentityReader(pool) as reader:
            assert await reader.users.get(user.id) == user
            assert await reader.users.get_by_email(user.email) == user
            assert await reader.users.get_by_google_subject(user.google_subject) == user
            assert await reader.users.get(str(uuid.uuid4())) is None
            assert await reader.sessions.get(older.id) == expected_older
            assert expected_older is not None and expected_older.revoked_reason == "logout"
            assert await reader.sessions.list_for_user(user.id) == expected_sessions
            assert [s.id for s in expected_sessions] == [newer.id, older.id]
            assert older.id in await reader.sessions.revoked_since(NOW)
            assert sorted(await reader.sessions.revoked_since(NOW)) == sorted(expected_revoked)
            loaded = await reader.users.get(user.id)
            assert loaded is not None and loaded.created_at.utcoffset() == timedelta(0)
            # A reader, by its port: it has no way to write or commit at all.
            assert not hasattr(reader.users, "update") and not hasattr(reader, "commit")
        # Released connections go back to the pool and serve the next reader.
        for _ in range(5):
            async with AsyncpgIdentityReader(pool) as reader:
                assert await reader.users.get(user.id) == user
    finally:
        await pool.close()
        await engine.dispose()


async def test_a_failing_statement_does_not_carry_its_parameters_into_errors_or_logs(
    postgres_url: str,
) -> None:
    """A NUL byte reaching PostgreSQL is an error; its message (logged with the traceback of a
    500) must not hold the address, the hash or anything else that was bound."""
    engine = create_engine(postgres_url)
    secret = f"private-{uuid.uuid4().hex[:8]}\x00@example.com"
    try:
        async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
            with pytest.raises(Exception) as failed:
                await uow.users.get_by_email(secret)
    finally:
        await engine.dispose()
    assert "hidden due to hide_parameters" in str(failed.value)
    assert secret.split("\x00")[0] not in str(failed.value)
