"""Feedback and feature-voting use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domains.feedback.model import (
    Category,
    Feature,
    FeatureStatus,
    Feedback,
    FeedbackLimits,
    check_contact,
    check_description,
    check_feedback_text,
    check_title,
)
from domains.feedback.ports import FeedbackStore
from domains.shared.clock import Clock
from domains.shared.errors import InvalidInput, NotFound, RateLimited
from domains.shared.ids import is_id, new_id
from domains.shared.rate_limit import Rate, RateLimiter


@dataclass(frozen=True, slots=True)
class FeatureView:
    feature: Feature
    #: Whether the asking user has voted for it (False for anonymous readers).
    voted: bool


@dataclass
class FeedbackService:
    store: FeedbackStore
    limiter: RateLimiter
    clock: Clock
    limits: FeedbackLimits = field(default_factory=FeedbackLimits)

    async def send_feedback(
        self, category: str, text: str, client_ip: str, contact: str | None = None
    ) -> Feedback:
        """No sign-in needed, so the client address is what the limit is counted on."""
        try:
            kind = Category(category)
        except ValueError:
            choices = ", ".join(c.value for c in Category)
            raise InvalidInput(f"the category must be one of {choices}", field="category") from None
        feedback = Feedback(
            id=new_id(),
            category=kind,
            text=check_feedback_text(text),
            contact=check_contact(contact),
            created_at=self.clock.now(),
        )
        await self._limit(
            f"feedback:ip:{client_ip}", Rate(self.limits.feedback_per_ip_per_hour, 3600)
        )
        await self.store.add_feedback(feedback)
        return feedback

    async def propose_feature(self, user_id: str, title: str, description: str = "") -> Feature:
        feature = Feature(
            id=new_id(),
            title=check_title(title),
            description=check_description(description),
            status=FeatureStatus.OPEN,
            created_at=self.clock.now(),
            created_by=user_id,
        )
        await self._limit(
            f"features:user:{user_id}", Rate(self.limits.proposals_per_user_per_day, 86_400)
        )
        await self.store.add_feature(feature)
        return feature

    async def list_features(self, user_id: str | None = None) -> list[FeatureView]:
        features = await self.store.list_features()
        voted = set(await self.store.voted_feature_ids(user_id)) if user_id else set()
        ranked = sorted(features, key=lambda f: (-f.votes, f.created_at, f.id))
        return [FeatureView(f, f.id in voted) for f in ranked]

    async def get_feature(self, feature_id: str, user_id: str | None = None) -> FeatureView:
        feature = await self._feature(feature_id)
        voted = user_id is not None and feature.id in await self.store.voted_feature_ids(user_id)
        return FeatureView(feature, voted)

    async def vote(self, user_id: str, feature_id: str) -> FeatureView:
        """Idempotent: a second vote by the same user changes nothing. Two round trips: the
        store's vote answers NotFound for an unknown feature itself, then the count is read."""
        await self.store.vote(feature_id, user_id, self.clock.now())
        return FeatureView(await self._feature(feature_id), True)

    async def unvote(self, user_id: str, feature_id: str) -> FeatureView:
        """Idempotent; NotFound for an unknown feature (from reading it back)."""
        await self.store.unvote(feature_id, user_id)
        return FeatureView(await self._feature(feature_id), False)

    # -- the user's data ------------------------------------------------------------------

    async def export(self, user_id: str) -> dict[str, Any]:
        return {
            "votes": sorted(await self.store.voted_feature_ids(user_id)),
            "proposed_features": [
                {"id": f.id, "title": f.title, "description": f.description}
                for f in await self.store.proposed_by(user_id)
            ],
        }

    async def erase(self, user_id: str) -> None:
        for feature_id in await self.store.voted_feature_ids(user_id):
            await self.store.unvote(feature_id, user_id)
        await self.store.forget_proposer(user_id)

    # -- helpers --------------------------------------------------------------------------

    async def _feature(self, feature_id: str) -> Feature:
        feature = await self.store.get_feature(feature_id) if is_id(feature_id) else None
        if feature is None:
            raise NotFound("no such feature")
        return feature

    async def _limit(self, key: str, rate: Rate) -> None:
        decision = await self.limiter.hit(key, rate)
        if not decision.allowed:
            raise RateLimited(
                "too many submissions; try again later", retry_after_seconds=decision.retry_after
            )


@dataclass
class FeedbackUserData:
    service: FeedbackService
    name: str = "feedback"

    async def export(self, user_id: str) -> Any:
        return await self.service.export(user_id)

    async def erase(self, user_id: str) -> None:
        await self.service.erase(user_id)
