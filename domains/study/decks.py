"""Study decks: a named set of cards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from domains.shared.clock import Clock
from domains.shared.ids import new_id
from domains.study.lookups import deck_of
from domains.study.model import Deck, check_deck_name, check_description
from domains.study.ports import StudyUnitOfWork


@dataclass
class DeckService:
    uow: Callable[[], StudyUnitOfWork]
    clock: Clock

    async def create_deck(self, user_id: str, name: str, description: str = "") -> Deck:
        now = self.clock.now()
        deck = Deck(
            new_id(), user_id, check_deck_name(name), check_description(description), now, now
        )
        async with self.uow() as uow:
            await uow.decks.add(deck)
            await uow.commit()
        return deck

    async def list_decks(self, user_id: str) -> Sequence[Deck]:
        async with self.uow() as uow:
            return await uow.decks.list_for_user(user_id)

    async def get_deck(self, user_id: str, deck_id: str) -> Deck:
        async with self.uow() as uow:
            return await deck_of(uow, user_id, deck_id)

    async def update_deck(
        self,
        user_id: str,
        deck_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> Deck:
        async with self.uow() as uow:
            deck = await deck_of(uow, user_id, deck_id)
            if name is not None:
                deck.name = check_deck_name(name)
            if description is not None:
                deck.description = check_description(description)
            deck.updated_at = self.clock.now()
            await uow.decks.update(deck)
            await uow.commit()
        return deck

    async def delete_deck(self, user_id: str, deck_id: str) -> None:
        async with self.uow() as uow:
            await deck_of(uow, user_id, deck_id)
            await uow.decks.delete(user_id, deck_id)
            await uow.commit()
