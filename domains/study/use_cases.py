"""Study use cases: decks, cards, reviews scheduled by the Scheduler port, the due queue on the
user's local day, progress and undo."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domains.shared.clock import Clock, local_date, time_zone
from domains.shared.errors import InvalidInput
from domains.shared.events import EventPublisher, ProductiveAction
from domains.shared.ids import is_id, new_id
from domains.study import plain_text
from domains.study.errors import CardNotFound, ConcurrentReview, DeckNotFound, NothingToUndo
from domains.study.model import (
    MAX_BULK,
    Card,
    CardChanges,
    CardDraft,
    CardState,
    Deck,
    DeckProgress,
    Queue,
    Rating,
    Review,
    Schedule,
    StudySettings,
    check_card,
    check_deck_name,
    check_description,
)
from domains.study.ports import Scheduler, StudyUnitOfWork, UserTimeZones

MAX_PAGE = 500
MAX_QUEUE = 200


@dataclass
class StudyService:
    uow: Callable[[], StudyUnitOfWork]
    scheduler: Scheduler
    clock: Clock
    time_zones: UserTimeZones
    events: EventPublisher | None = None

    # -- decks ------------------------------------------------------------------------------

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
            return await self._deck(uow, user_id, deck_id)

    async def update_deck(
        self,
        user_id: str,
        deck_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> Deck:
        async with self.uow() as uow:
            deck = await self._deck(uow, user_id, deck_id)
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
            await self._deck(uow, user_id, deck_id)
            await uow.decks.delete(user_id, deck_id)
            await uow.commit()

    # -- cards ------------------------------------------------------------------------------

    async def create_cards(
        self, user_id: str, deck_id: str, drafts: Sequence[CardDraft]
    ) -> list[Card]:
        if not 1 <= len(drafts) <= MAX_BULK:
            raise InvalidInput(f"create 1 to {MAX_BULK} cards at once", field="cards")
        return await self._add_cards(user_id, deck_id, [check_card(d) for d in drafts])

    async def get_card(self, user_id: str, card_id: str) -> Card:
        async with self.uow() as uow:
            return await self._card(uow, user_id, card_id)

    async def list_cards(
        self, user_id: str, deck_id: str, *, limit: int = 100, offset: int = 0
    ) -> Sequence[Card]:
        _page(limit, offset)
        async with self.uow() as uow:
            await self._deck(uow, user_id, deck_id)
            return await uow.cards.list_for_deck(user_id, deck_id, limit=limit, offset=offset)

    async def update_card(self, user_id: str, card_id: str, changes: CardChanges) -> Card:
        async with self.uow() as uow:
            card = await self._card(uow, user_id, card_id)
            draft = check_card(
                CardDraft(
                    front=card.front if changes.front is None else changes.front,
                    back=card.back if changes.back is None else changes.back,
                    tags=card.tags if changes.tags is None else changes.tags,
                )
            )
            if changes.deck_id is not None:
                card.deck_id = (await self._deck(uow, user_id, changes.deck_id)).id
            card.front, card.back, card.tags = draft.front, draft.back, draft.tags
            card.updated_at = self.clock.now()
            await uow.cards.update(card)
            await uow.commit()
        return card

    async def delete_card(self, user_id: str, card_id: str) -> None:
        async with self.uow() as uow:
            await self._card(uow, user_id, card_id)
            await uow.cards.delete(user_id, card_id)
            await uow.commit()

    async def import_cards(
        self, user_id: str, deck_id: str, text: str, fmt: plain_text.Format
    ) -> list[Card]:
        return await self._add_cards(user_id, deck_id, plain_text.parse(text, fmt))

    async def export_cards(self, user_id: str, deck_id: str, fmt: plain_text.Format) -> str:
        async with self.uow() as uow:
            await self._deck(uow, user_id, deck_id)
            cards = await uow.cards.list_for_deck(user_id, deck_id)
        return plain_text.render(list(cards), fmt)

    # -- reviews ----------------------------------------------------------------------------

    async def review(
        self, user_id: str, card_id: str, rating: int, duration_ms: int | None = None
    ) -> Card:
        grade = Rating.of(rating)
        if duration_ms is not None and not 0 <= duration_ms <= 86_400_000:
            raise InvalidInput("duration_ms is between 0 and one day", field="duration_ms")
        now = self.clock.now()
        async with self.uow() as uow:
            card = await self._card(uow, user_id, card_id)
            settings = await uow.settings.get(user_id) or StudySettings()
            before = card.schedule
            card.schedule = self.scheduler.next(before, grade, now, settings.desired_retention)
            card.updated_at = now
            if not await uow.cards.reschedule(card, previous=before):
                raise ConcurrentReview()
            await uow.reviews.add(
                Review(new_id(), user_id, card.id, grade, now, before, card.schedule, duration_ms)
            )
            await uow.commit()
        if self.events is not None:
            await self.events.publish(
                ProductiveAction(
                    user_id, "card_reviewed", now, local_date(now, await self._zone(user_id))
                )
            )
        return card

    async def undo_last_review(self, user_id: str) -> Card:
        """Puts the card of the user's latest review back as it was; the review is removed
        from the history (it was a slip, not a memory)."""
        async with self.uow() as uow:
            review = await uow.reviews.last_for_user(user_id)
            if review is None:
                raise NothingToUndo()
            card = await self._card(uow, user_id, review.card_id)
            if card.schedule != review.after:
                # Only the review that gave the card its current schedule can be undone.
                raise NothingToUndo()
            card.schedule = review.before
            card.updated_at = self.clock.now()
            if not await uow.cards.reschedule(card, previous=review.after):
                raise ConcurrentReview()
            await uow.reviews.delete(review.id)
            await uow.commit()
        return card

    async def history(self, user_id: str, card_id: str) -> Sequence[Review]:
        async with self.uow() as uow:
            await self._card(uow, user_id, card_id)
            return await uow.reviews.list_for_card(user_id, card_id)

    async def queue(self, user_id: str, deck_id: str, limit: int = 50) -> Queue:
        if not 1 <= limit <= MAX_QUEUE:
            raise InvalidInput(f"limit is 1 to {MAX_QUEUE}", field="limit")
        now = self.clock.now()
        start, end = _local_day(now, await self._zone(user_id))
        async with self.uow() as uow:
            await self._deck(uow, user_id, deck_id)
            settings = await uow.settings.get(user_id) or StudySettings()
            reviews = await uow.cards.due(user_id, deck_id, now, limit)
            introduced = await uow.reviews.count_first_reviews(user_id, deck_id, start, end)
            left_today = max(0, settings.new_cards_per_day - introduced)
            room = min(left_today, limit - len(reviews))
            new = await uow.cards.new(user_id, deck_id, room) if room > 0 else []
        return Queue(reviews=list(reviews), new=list(new), new_left_today=left_today)

    async def progress(self, user_id: str, deck_id: str) -> DeckProgress:
        now = self.clock.now()
        _, end_of_today = _local_day(now, await self._zone(user_id))
        async with self.uow() as uow:
            await self._deck(uow, user_id, deck_id)
            counts = await uow.cards.count_by_state(user_id, deck_id)
            due_today = await uow.cards.count_due(user_id, deck_id, None, end_of_today)
            due_week = await uow.cards.count_due(
                user_id, deck_id, end_of_today, end_of_today + timedelta(days=7)
            )
            month_ago = now - timedelta(days=30)
            reviews = await uow.reviews.count_since(user_id, deck_id, month_ago)
            reviewed, recalled = await uow.reviews.recall_since(user_id, deck_id, month_ago)
        learning = counts.get(CardState.LEARNING, 0) + counts.get(CardState.RELEARNING, 0)
        return DeckProgress(
            total=sum(counts.values()),
            new=counts.get(CardState.NEW, 0),
            learning=learning,
            review=counts.get(CardState.REVIEW, 0),
            due_today=due_today,
            due_next_7_days=due_week,
            reviews_last_30_days=reviews,
            retention_last_30_days=round(recalled / reviewed, 4) if reviewed else None,
        )

    # -- settings, export, erasure ----------------------------------------------------------

    async def settings(self, user_id: str) -> StudySettings:
        async with self.uow() as uow:
            return await uow.settings.get(user_id) or StudySettings()

    async def update_settings(
        self,
        user_id: str,
        *,
        desired_retention: float | None = None,
        new_cards_per_day: int | None = None,
    ) -> StudySettings:
        async with self.uow() as uow:
            current = await uow.settings.get(user_id) or StudySettings()
            settings = StudySettings(
                desired_retention=current.desired_retention
                if desired_retention is None
                else desired_retention,
                new_cards_per_day=current.new_cards_per_day
                if new_cards_per_day is None
                else new_cards_per_day,
            )
            await uow.settings.put(user_id, settings)
            await uow.commit()
        return settings

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

    # -- helpers ----------------------------------------------------------------------------

    async def _add_cards(
        self, user_id: str, deck_id: str, drafts: Sequence[CardDraft]
    ) -> list[Card]:
        now = self.clock.now()
        async with self.uow() as uow:
            deck = await self._deck(uow, user_id, deck_id)
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

    async def _deck(self, uow: StudyUnitOfWork, user_id: str, deck_id: str) -> Deck:
        deck = await uow.decks.get(user_id, deck_id) if is_id(deck_id) else None
        if deck is None:
            raise DeckNotFound()
        return deck

    async def _card(self, uow: StudyUnitOfWork, user_id: str, card_id: str) -> Card:
        card = await uow.cards.get(user_id, card_id) if is_id(card_id) else None
        if card is None:
            raise CardNotFound()
        return card

    async def _zone(self, user_id: str) -> ZoneInfo:
        try:
            return time_zone(await self.time_zones.zone_of(user_id))
        except InvalidInput:
            return ZoneInfo("UTC")


def _local_day(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The user's current local day as an instant range [start, end) in UTC."""
    today = local_date(now, zone)
    start = datetime.combine(today, time(), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit is 1 to {MAX_PAGE} and offset is not negative", field="limit")


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


@dataclass(frozen=True)
class StudyUserData:
    service: StudyService
    name: str = "study"

    async def export(self, user_id: str) -> Any:
        return await self.service.export(user_id)

    async def erase(self, user_id: str) -> None:
        await self.service.erase(user_id)
