"""The user's deck or card by id, for every study service: another user's is not found, the
same as one that does not exist."""

from __future__ import annotations

from domains.shared.ids import is_id
from domains.study.errors import CardNotFound, DeckNotFound
from domains.study.model import Card, Deck
from domains.study.ports import StudyUnitOfWork


async def deck_of(uow: StudyUnitOfWork, user_id: str, deck_id: str) -> Deck:
    deck = await uow.decks.get(user_id, deck_id) if is_id(deck_id) else None
    if deck is None:
        raise DeckNotFound()
    return deck


async def card_of(uow: StudyUnitOfWork, user_id: str, card_id: str) -> Card:
    card = await uow.cards.get(user_id, card_id) if is_id(card_id) else None
    if card is None:
        raise CardNotFound()
    return card
