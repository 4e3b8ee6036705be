from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

from domains.feedback.model import Feature, Feedback
from domains.shared.errors import NotFound


class FakeFeedbackStore:
    def __init__(self) -> None:
        self.feedback: list[Feedback] = []
        self.features: dict[str, Feature] = {}
        self.votes: set[tuple[str, str]] = set()

    async def add_feedback(self, feedback: Feedback) -> None:
        self.feedback.append(feedback)

    async def add_feature(self, feature: Feature) -> None:
        self.features[feature.id] = copy.copy(feature)

    async def get_feature(self, feature_id: str) -> Feature | None:
        return copy.copy(self.features.get(feature_id))

    async def list_features(self) -> Sequence[Feature]:
        return [copy.copy(f) for f in self.features.values()]

    async def vote(self, feature_id: str, user_id: str, now: datetime) -> bool:
        if feature_id not in self.features:
            raise NotFound("no such feature")
        if (feature_id, user_id) in self.votes:
            return False
        self.votes.add((feature_id, user_id))
        self.features[feature_id].votes += 1
        return True

    async def unvote(self, feature_id: str, user_id: str) -> bool:
        if (feature_id, user_id) not in self.votes:
            return False
        self.votes.discard((feature_id, user_id))
        self.features[feature_id].votes -= 1
        return True

    async def voted_feature_ids(self, user_id: str) -> Sequence[str]:
        return [f for f, u in self.votes if u == user_id]

    async def proposed_by(self, user_id: str) -> Sequence[Feature]:
        return [f for f in self.features.values() if f.created_by == user_id]

    async def forget_proposer(self, user_id: str) -> None:
        for feature in self.features.values():
            if feature.created_by == user_id:
                feature.created_by = None
