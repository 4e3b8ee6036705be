"""Study reviews: rating a card (scheduled by the Scheduler port), undoing a slip, the due
queue and a deck's progress on the user's local day, and the settings that steer them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from domains.shared.clock import Clock
from domains.shared.days import UserDays
from domains.shared.errors import InvalidInput
from domains.shared.events import EventPublisher, ProductiveAction
from domains.shared.ids import new_id
from domains.study.errors import ConcurrentReview, NothingToUndo
from domains.study.lookups import card_of, deck_of
from domains.study.model import (
    Card,
    CardState,
    DeckProgress,
    Queue,
    Rating,
    Review,
    StudySettings,
)
from domains.study.ports import Scheduler, StudyUnitOfWork

MAX_QUEUE = 200


@dataclass
class ReviewService:
    uow: Callable[[], StudyUnitOfWork]
    scheduler: Scheduler
    clock: Clock
    user_days: UserDays
    events: EventPublisher | None = None
    #: Units of work for the reads (no transaction where the adapter can: the review queue
    #: then costs its queries' round trips, without BEGIN and ROLLBACK); `uow` when not given.
    reads: Callable[[], StudyUnitOfWork] | None = None

    def _reads(self) -> StudyUnitOfWork:
        return (self.reads or self.uow)()

    async def review(
        self, user_id: str, card_id: str, rating: int, duration_ms: int | None = None
    ) -> Card:
        grade = Rating.of(rating)
        if duration_ms is not None and not 0 <= duration_ms <= 86_400_000:
            raise InvalidInput("duration_ms is between 0 and one day", field="duration_ms")
        now = self.clock.now()
        day = await self.user_days.of(user_id)
        async with self.uow() as uow:
            card = await card_of(uow, user_id, card_id)
            settings = await uow.settings.get(user_id) or StudySettings()
            before = card.schedule
            card.schedule = self.scheduler.next(before, grade, now, settings.desired_retention)
            card.updated_at = now
            if not await uow.cards.reschedule(card, previous=before):
                raise ConcurrentReview()
            await uow.reviews.add(
                Review(new_id(), user_id, card.id, grade, now, before, card.schedule, duration_ms)
            )
            if self.events is not None:
                # Inside the unit of work: the streak's write joins this transaction.
                await self.events.publish(
                    ProductiveAction(user_id, "card_reviewed", now, day.date_of(now))
                )
            await uow.commit()
        return card

    async def undo_last_review(self, user_id: str) -> Card:
        """Puts the card of the user's latest review back as it was; the review is removed
        from the history (it was a slip, not a memory)."""
        async with self.uow() as uow:
            review = await uow.reviews.last_for_user(user_id)
            if review is None:
                raise NothingToUndo()
            card = await card_of(uow, user_id, review.card_id)
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
        async with self._reads() as uow:
            await card_of(uow, user_id, card_id)
            return await uow.reviews.list_for_card(user_id, card_id)

    async def queue(self, user_id: str, deck_id: str, limit: int = 50) -> Queue:
        if not 1 <= limit <= MAX_QUEUE:
            raise InvalidInput(f"limit is 1 to {MAX_QUEUE}", field="limit")
        day = await self.user_days.of(user_id)
        now = self.clock.now()
        start, end = day.bounds(day.today)
        async with self._reads() as uow:
            await deck_of(uow, user_id, deck_id)
            settings = await uow.settings.get(user_id) or StudySettings()
            reviews = await uow.cards.due(user_id, deck_id, now, limit)
            introduced = await uow.reviews.count_first_reviews(user_id, deck_id, start, end)
            left_today = max(0, settings.new_cards_per_day - introduced)
            room = min(left_today, limit - len(reviews))
            new = await uow.cards.new(user_id, deck_id, room) if room > 0 else []
            changes_at = await uow.cards.next_due_after(user_id, deck_id, now)
        return Queue(
            reviews=list(reviews), new=list(new), new_left_today=left_today, changes_at=changes_at
        )

    async def progress(self, user_id: str, deck_id: str) -> DeckProgress:
        day = await self.user_days.of(user_id)
        now = self.clock.now()
        _, end_of_today = day.bounds(day.today)
        async with self._reads() as uow:
            await deck_of(uow, user_id, deck_id)
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

    async def settings(self, user_id: str) -> StudySettings:
        async with self._reads() as uow:
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
