"""Assistant history in SQL (the embedded profile). Every query names the user, so another
user's conversation is never found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables.assistant import assistant_conversations, assistant_messages
from domains.assistant.model import Conversation, Message, Role
from domains.shared.errors import NotFound
from domains.shared.ids import new_id

conversations = assistant_conversations
messages_table = assistant_messages


class SqlAlchemyConversationStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @staticmethod
    def _own(user_id: str, conversation_id: str) -> list[ColumnElement[bool]]:
        return [conversations.c.id == conversation_id, conversations.c.user_id == user_id]

    async def create(self, conversation: Conversation) -> None:
        c = conversation
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(conversations).values(
                    id=c.id,
                    user_id=c.user_id,
                    title=c.title,
                    message_count=c.message_count,
                    created_at=c.created_at,
                    updated_at=c.updated_at,
                )
            )

    async def get(self, user_id: str, conversation_id: str) -> Conversation | None:
        async with self._engine.connect() as c:
            found = await c.execute(
                select(conversations).where(*self._own(user_id, conversation_id))
            )
            row = found.mappings().first()
        return Conversation(**row) if row else None

    async def list(self, user_id: str) -> Sequence[Conversation]:
        async with self._engine.connect() as c:
            rows = await c.execute(
                select(conversations)
                .where(conversations.c.user_id == user_id)
                .order_by(conversations.c.updated_at.desc(), conversations.c.id.desc())
            )
            return [Conversation(**row) for row in rows.mappings()]

    async def rename(self, user_id: str, conversation_id: str, title: str) -> None:
        async with self._engine.begin() as c:
            await c.execute(
                update(conversations)
                .where(*self._own(user_id, conversation_id))
                .values(title=title)
            )

    async def delete(self, user_id: str, conversation_id: str) -> bool:
        async with self._engine.begin() as c:
            await c.execute(
                delete(messages_table).where(
                    messages_table.c.conversation_id.in_(
                        select(conversations.c.id).where(*self._own(user_id, conversation_id))
                    )
                )
            )
            removed = await c.execute(
                delete(conversations).where(*self._own(user_id, conversation_id))
            )
        return removed.rowcount == 1

    async def append(
        self, user_id: str, conversation_id: str, role: Role, content: str, now: datetime
    ) -> Message:
        async with self._engine.begin() as c:
            # The position comes from an atomic increment: two writers never share one.
            counted = await c.execute(
                update(conversations)
                .where(*self._own(user_id, conversation_id))
                .values(message_count=conversations.c.message_count + 1, updated_at=now)
                .returning(conversations.c.message_count)
            )
            position = counted.scalar_one_or_none()
            if position is None:
                raise NotFound("no such conversation")
            message = Message(new_id(), conversation_id, position, role, content, now)
            await c.execute(
                insert(messages_table).values(
                    id=message.id,
                    conversation_id=conversation_id,
                    position=position,
                    role=role.value,
                    content=content,
                    created_at=now,
                )
            )
        return message

    async def messages(
        self, user_id: str, conversation_id: str, last: int | None = None
    ) -> Sequence[Message]:
        query = (
            select(messages_table)
            .join(conversations, conversations.c.id == messages_table.c.conversation_id)
            .where(*self._own(user_id, conversation_id))
            .order_by(messages_table.c.position.desc())
        )
        if last is not None:
            query = query.limit(last)
        async with self._engine.connect() as c:
            rows = (await c.execute(query)).mappings().all()
        found = [
            Message(
                id=row["id"],
                conversation_id=row["conversation_id"],
                position=row["position"],
                role=Role(row["role"]),
                content=row["content"],
                created_at=row["created_at"],
            )
            for row in rows
        ]
        return found[::-1]

    async def erase_user(self, user_id: str) -> None:
        async with self._engine.begin() as c:
            owned = select(conversations.c.id).where(conversations.c.user_id == user_id)
            await c.execute(
                delete(messages_table).where(messages_table.c.conversation_id.in_(owned))
            )
            await c.execute(delete(conversations).where(conversations.c.user_id == user_id))
