"""The email service's state in SQL (the embedded profile)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exc, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables.email import email_deliveries, email_subscriptions, email_suppressions
from adapters.sql.tables.identity import users
from adapters.sql.upsert import upsert
from domains.email.model import Subscription, SubscriptionStatus, Suppression, SuppressionReason


class SqlAlchemySubscriptionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, email: str) -> Subscription | None:
        async with self._engine.connect() as c:
            query = select(email_subscriptions).where(email_subscriptions.c.email == email)
            row = (await c.execute(query)).mappings().first()
        if row is None:
            return None
        values = dict(row)
        values["status"] = SubscriptionStatus(values["status"])
        return Subscription(**values)

    async def save(self, subscription: Subscription) -> None:
        s = subscription
        values = {
            "email": s.email,
            "status": s.status.value,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
            "confirmed_at": s.confirmed_at,
            "unsubscribed_at": s.unsubscribed_at,
        }
        async with self._engine.begin() as c:
            await upsert(c, email_subscriptions, values, ["email"])

    async def delete(self, email: str) -> None:
        async with self._engine.begin() as c:
            await c.execute(delete(email_subscriptions).where(email_subscriptions.c.email == email))


class SqlAlchemySuppressionList:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, email: str) -> Suppression | None:
        async with self._engine.connect() as c:
            query = select(email_suppressions).where(email_suppressions.c.email == email)
            row = (await c.execute(query)).mappings().first()
        if row is None:
            return None
        return Suppression(row["email"], SuppressionReason(row["reason"]), row["created_at"])

    async def add(self, suppression: Suppression) -> None:
        values = {
            "email": suppression.email,
            "reason": suppression.reason.value,
            "created_at": suppression.created_at,
        }
        async with self._engine.begin() as c:
            if suppression.reason is SuppressionReason.BOUNCE:
                await upsert(c, email_suppressions, values, ["email"])
                return
            # A complaint never downgrades a bounce.
            found = await c.execute(
                select(email_suppressions.c.email).where(
                    email_suppressions.c.email == suppression.email
                )
            )
            if found.first() is None:
                await c.execute(insert(email_suppressions).values(**values))


class SqlAlchemyDeliveryLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(self, message_id: str, now: datetime, lease: timedelta) -> bool:
        t = email_deliveries
        try:
            async with self._engine.begin() as c:
                await c.execute(
                    insert(t).values(
                        message_id=message_id,
                        status="sending",
                        claimed_at=now,
                        lease_until=now + lease,
                    )
                )
            return True
        except exc.IntegrityError:
            pass
        # Taken before: only an abandoned claim (its sender died) may be taken over.
        async with self._engine.begin() as c:
            result = await c.execute(
                update(t)
                .where(t.c.message_id == message_id, t.c.status == "sending", t.c.lease_until < now)
                .values(claimed_at=now, lease_until=now + lease)
            )
        return result.rowcount == 1

    async def mark_sent(self, message_id: str, provider_id: str, now: datetime) -> None:
        t = email_deliveries
        async with self._engine.begin() as c:
            await c.execute(
                update(t)
                .where(t.c.message_id == message_id)
                .values(status="sent", sent_at=now, provider_id=provider_id[:255])
            )

    async def release(self, message_id: str) -> None:
        t = email_deliveries
        async with self._engine.begin() as c:
            await c.execute(delete(t).where(t.c.message_id == message_id, t.c.status == "sending"))


class SqlAlchemyUserEmails:
    """Reads an account's address from identity's table (for export and erasure only)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def email_of(self, user_id: str) -> str | None:
        async with self._engine.connect() as c:
            found = await c.execute(select(users.c.email).where(users.c.id == user_id))
            return found.scalar_one_or_none()
