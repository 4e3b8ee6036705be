"""Gratitude notes: one short line for a day, encrypted under the server's key (they belong to
no collection, so no password protects them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from domains.journal.errors import EntryNotFound
from domains.journal.keys import Keyring
from domains.journal.model import Gratitude, check_gratitude, check_page
from domains.journal.ports import JournalUnitOfWork
from domains.journal.sealing import open_gratitude, seal_gratitude
from domains.shared.clock import Clock
from domains.shared.days import UserDays
from domains.shared.errors import InvalidInput
from domains.shared.ids import new_id


@dataclass
class GratitudeService:
    uow: Callable[[], JournalUnitOfWork]
    keyring: Keyring
    clock: Clock
    user_days: UserDays

    async def add_gratitude(
        self, user_id: str, text: str, on_date: date | None = None
    ) -> Gratitude:
        text = check_gratitude(text)
        now = self.clock.now()
        today = (await self.user_days.of(user_id)).date_of(now)
        if on_date is None:
            on_date = today
        elif on_date > today + timedelta(days=1):
            raise InvalidInput("a gratitude entry cannot be for a future day", field="on_date")
        gratitude = Gratitude(new_id(), on_date, text, now)
        sealed = await seal_gratitude(self.keyring, user_id, gratitude)
        async with self.uow() as uow:
            await uow.gratitude.add(sealed)
            await uow.commit()
        return gratitude

    async def list_gratitude(
        self, user_id: str, *, limit: int = 50, offset: int = 0
    ) -> tuple[list[Gratitude], int]:
        check_page(limit, offset)
        async with self.uow() as uow:
            rows = await uow.gratitude.list(user_id, limit=limit, offset=offset)
            total = await uow.gratitude.count(user_id)
        return [await open_gratitude(self.keyring, row) for row in rows], total

    async def delete_gratitude(self, user_id: str, gratitude_id: str) -> None:
        async with self.uow() as uow:
            if not await uow.gratitude.delete(user_id, gratitude_id):
                raise EntryNotFound()
            await uow.commit()
