"""Study cards: written one by one or in bulk, moved between decks, and imported or exported
as plain text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from domains.shared.clock import Clock
from domains.shared.errors import InvalidInput
from domains.shared.ids import new_id
from domains.study import plain_text
from domains.study.lookups import card_of, deck_of
from domains.study.model import MAX_BULK, Card, CardChanges, CardDraft, Schedule, check_card
from domains.study.ports import StudyUnitOfWork

MAX_PAGE = 500


@dataclass
class CardService:
    uow: Callable[[], StudyUnitOfWork]
    clock: Clock

    async def create_cards(
        self, user_id: str, deck_id: str, drafts: Sequence[CardDraft]
    ) -> list[Card]:
        if not 1 <= len(drafts) <= MAX_BULK:
            raise InvalidInput(f"create 1 to {MAX_BULK} cards at once", field="cards")
        return await self._add_cards(user_id, deck_id, [check_card(d) for d in drafts])

    async def get_card(self, user_id: str, card_id: str) -> Card:
        async with self.uow() as uow:
            return await card_of(uow, user_id, card_id)

    async def list_cards(
        self, user_id: str, deck_id: str, *, limit: int = 100, offset: int = 0
    ) -> Sequence[Card]:
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput(
                f"limit is 1 to {MAX_PAGE} and offset is not negative", field="limit"
            )
        async with self.uow() as uow:
            await deck_of(uow, user_id, deck_id)
            return await uow.cards.list_for_deck(user_id, deck_id, limit=limit, offset=offset)

    async def update_card(self, user_id: str, card_id: str, changes: CardChanges) -> Card:
        async with self.uow() as uow:
            card = await card_of(uow, user_id, card_id)
            draft = check_card(
                CardDraft(
                    front=card.front if changes.front is None else changes.front,
                    back=card.back if changes.back is None else changes.back,
                    tags=card.tags if changes.tags is None else changes.tags,
                )
            )
            if changes.deck_id is not None:
                card.deck_id = (await deck_of(uow, user_id, changes.deck_id)).id
            card.front, card.back, card.tags = draft.front, draft.back, draft.tags
            card.updated_at = self.clock.now()
            await uow.cards.update(card)
            await uow.commit()
        return card

    async def delete_card(self, user_id: str, card_id: str) -> None:
        async with self.uow() as uow:
            await card_of(uow, user_id, card_id)
            await uow.cards.delete(user_id, card_id)
            await uow.commit()

    async def import_cards(
        self, user_id: str, deck_id: str, text: str, fmt: plain_text.Format
    ) -> list[Card]:
        return await self._add_cards(user_id, deck_id, plain_text.parse(text, fmt))

    async def export_cards(self, user_id: str, deck_id: str, fmt: plain_text.Format) -> str:
        async with self.uow() as uow:
            await deck_of(uow, user_id, deck_id)
            cards = await uow.cards.list_for_deck(user_id, deck_id)
        return plain_text.render(list(cards), fmt)

    async def _add_cards(
        self, user_id: str, deck_id: str, drafts: Sequence[CardDraft]
    ) -> list[Card]:
        now = self.clock.now()
        async with self.uow() as uow:
            deck = await deck_of(uow, user_id, deck_id)
            # A microsecond apart, so cards created together keep their order (lists and the
            # new-card queue are ordered by creation time).
            cards = [
                Card(new_id(), user_id, deck.id, d.front, d.back, d.tags, Schedule.new(at), at, at)
                for i, d in enumerate(drafts)
                for at in [now + timedelta(microseconds=i)]
            ]
            await uow.cards.add_many(cards)
            await uow.commit()
        return cards
