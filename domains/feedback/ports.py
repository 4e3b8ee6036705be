"""Storage for feedback and features. Each operation is atomic on its own: DynamoDB in
production, SQL in the embedded profile."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domains.feedback.model import Feature, Feedback


class FeedbackStore(Protocol):
    async def add_feedback(self, feedback: Feedback) -> None: ...

    async def add_feature(self, feature: Feature) -> None: ...
    async def get_feature(self, feature_id: str) -> Feature | None: ...
    async def list_features(self) -> Sequence[Feature]:
        """Every feature with its current vote count."""
        ...

    async def vote(self, feature_id: str, user_id: str, now: datetime) -> bool:
        """Record the user's vote and count it, in one atomic step. False when the user had
        already voted (a conditional write: concurrent duplicates cannot both count). Raises
        NotFound for an unknown feature."""
        ...

    async def unvote(self, feature_id: str, user_id: str) -> bool:
        """Remove the vote and uncount it atomically. False when there was no vote."""
        ...

    async def voted_feature_ids(self, user_id: str) -> Sequence[str]: ...

    async def proposed_by(self, user_id: str) -> Sequence[Feature]: ...
    async def forget_proposer(self, user_id: str) -> None:
        """Keep the user's proposals (others voted for them) but drop the link to the user."""
        ...
