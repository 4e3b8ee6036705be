"""Accounts for adapter tests of the productivity domains: rows in the real users table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.identity import SqlAlchemyIdentityUnitOfWork
from domains.identity.model import User


async def new_user(engine: AsyncEngine, time_zone: str = "UTC") -> str:
    now = datetime.now(UTC)
    user = User(
        id=str(uuid.uuid4()),
        email=f"{uuid.uuid4().hex[:12]}@example.com",
        display_name="Ada",
        time_zone=time_zone,
        created_at=now,
        updated_at=now,
    )
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


async def delete_user(engine: AsyncEngine, user_id: str) -> None:
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.delete(user_id)
        await uow.commit()
