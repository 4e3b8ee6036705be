from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

from domains.feedback.model import (
    MAX_CONTACT_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_FEEDBACK_LENGTH,
    MAX_TITLE_LENGTH,
)
from domains.feedback.use_cases import FeatureView

# Transport bounds a little above the domain's, so the domain gives the precise message.
Category = Literal["bug", "idea", "praise", "other"]


class FeedbackCreate(Struct, forbid_unknown_fields=True):
    category: Category
    text: Annotated[str, Meta(min_length=1, max_length=MAX_FEEDBACK_LENGTH)]
    contact: Annotated[str, Meta(max_length=MAX_CONTACT_LENGTH)] | None = None


class FeedbackReceipt(Struct):
    id: str
    created_at: datetime
    detail: str = "thank you: your feedback was received"


class FeatureCreate(Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(min_length=1, max_length=MAX_TITLE_LENGTH)]
    description: Annotated[str, Meta(max_length=MAX_DESCRIPTION_LENGTH)] = ""


class FeatureRead(Struct):
    id: str
    title: str
    description: str
    status: str
    votes: int
    voted: bool
    created_at: datetime

    @classmethod
    def of(cls, view: FeatureView) -> FeatureRead:
        f = view.feature
        return cls(f.id, f.title, f.description, f.status.value, f.votes, view.voted, f.created_at)
