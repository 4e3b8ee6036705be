"""Study's part of account export and erasure: settings, decks with their cards and their
schedules, and the review history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domains.study.model import Card, StudySettings
from domains.study.ports import StudyUnitOfWork


@dataclass(frozen=True)
class StudyUserData:
    uow: Callable[[], StudyUnitOfWork]
    name: str = "study"

    async def export(self, user_id: str) -> dict[str, Any]:
        async with self.uow() as uow:
            decks = await uow.decks.list_for_user(user_id)
            cards = {d.id: await uow.cards.list_for_deck(user_id, d.id) for d in decks}
            reviews = await uow.reviews.list_for_user(user_id)
            settings = await uow.settings.get(user_id) or StudySettings()
        return {
            "settings": {
                "desired_retention": settings.desired_retention,
                "new_cards_per_day": settings.new_cards_per_day,
            },
            "decks": [
                {
                    "id": d.id,
                    "name": d.name,
                    "description": d.description,
                    "created_at": d.created_at.isoformat(),
                    "cards": [_card_json(c) for c in cards[d.id]],
                }
                for d in decks
            ],
            "reviews": [
                {
                    "card_id": r.card_id,
                    "rating": int(r.rating),
                    "reviewed_at": r.reviewed_at.isoformat(),
                    "duration_ms": r.duration_ms,
                    "state_before": r.before.state.value,
                }
                for r in reviews
            ],
        }

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.decks.delete_for_user(user_id)
            await uow.settings.delete(user_id)
            await uow.commit()


def _card_json(card: Card) -> dict[str, Any]:
    s = card.schedule
    return {
        "id": card.id,
        "front": card.front,
        "back": card.back,
        "tags": card.tags,
        "state": s.state.value,
        "due": s.due.isoformat(),
        "stability": s.stability,
        "difficulty": s.difficulty,
        "reps": s.reps,
        "lapses": s.lapses,
    }
