"""The Scheduler port over the `fsrs` package (FSRS-6 with its default parameters)."""

from __future__ import annotations

from datetime import UTC, datetime

from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import Scheduler as Fsrs
from fsrs import State as FsrsState

from domains.study.model import CardState, Rating, Schedule

_TO_STATE = {
    FsrsState.Learning: CardState.LEARNING,
    FsrsState.Review: CardState.REVIEW,
    FsrsState.Relearning: CardState.RELEARNING,
}
_FROM_STATE = {v: k for k, v in _TO_STATE.items()}


class FsrsScheduler:
    """Fuzzing spreads cards rated together over nearby days, as Anki does; tests turn it off
    to compare exact intervals."""

    def __init__(self, *, fuzzing: bool = True, maximum_interval_days: int = 36500) -> None:
        self._fuzzing = fuzzing
        self._maximum_interval = maximum_interval_days
        self._by_retention: dict[float, Fsrs] = {}

    def _scheduler(self, desired_retention: float) -> Fsrs:
        key = round(desired_retention, 4)
        scheduler = self._by_retention.get(key)
        if scheduler is None:
            scheduler = Fsrs(
                desired_retention=key,
                maximum_interval=self._maximum_interval,
                enable_fuzzing=self._fuzzing,
            )
            self._by_retention[key] = scheduler
        return scheduler

    def next(
        self, schedule: Schedule, rating: Rating, now: datetime, desired_retention: float
    ) -> Schedule:
        now = now.astimezone(UTC)
        if schedule.state is CardState.NEW:
            card = FsrsCard(card_id=1, state=FsrsState.Learning, step=0, due=now)
        else:
            card = FsrsCard(
                card_id=1,
                state=_FROM_STATE[schedule.state],
                step=schedule.step,
                stability=schedule.stability,
                difficulty=schedule.difficulty,
                due=schedule.due.astimezone(UTC),
                last_review=schedule.last_review.astimezone(UTC) if schedule.last_review else None,
            )
        updated, _ = self._scheduler(desired_retention).review_card(
            card, FsrsRating(int(rating)), review_datetime=now
        )
        lapsed = schedule.state is CardState.REVIEW and rating is Rating.AGAIN
        return Schedule(
            state=_TO_STATE[updated.state],
            due=updated.due,
            step=updated.step,
            stability=updated.stability,
            difficulty=updated.difficulty,
            last_review=updated.last_review,
            reps=schedule.reps + 1,
            lapses=schedule.lapses + (1 if lapsed else 0),
        )
