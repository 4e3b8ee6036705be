from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domains.shared.errors import InvalidInput

MAX_FEEDBACK_LENGTH = 2000
MAX_CONTACT_LENGTH = 254
MAX_TITLE_LENGTH = 120
MAX_DESCRIPTION_LENGTH = 2000


class Category(StrEnum):
    BUG = "bug"
    IDEA = "idea"
    PRAISE = "praise"
    OTHER = "other"


class FeatureStatus(StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    DONE = "done"


def _text(value: str, field: str, maximum: int, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"the {field} cannot be empty", field=field)
    if len(value) > maximum:
        raise InvalidInput(f"the {field} must be at most {maximum} characters", field=field)
    # Newlines and tabs are text; other control characters are not.
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InvalidInput(f"the {field} cannot contain control characters", field=field)
    return value


def check_feedback_text(text: str) -> str:
    return _text(text, "text", MAX_FEEDBACK_LENGTH)


def check_contact(contact: str | None) -> str | None:
    if contact is None:
        return None
    contact = _text(contact, "contact", MAX_CONTACT_LENGTH, required=False)
    if "\n" in contact:
        raise InvalidInput("the contact is one line", field="contact")
    return contact or None


def check_title(title: str) -> str:
    title = _text(title, "title", MAX_TITLE_LENGTH)
    if "\n" in title:
        raise InvalidInput("the title is one line", field="title")
    return title


def check_description(description: str) -> str:
    return _text(description, "description", MAX_DESCRIPTION_LENGTH, required=False)


@dataclass(frozen=True, slots=True)
class Feedback:
    """Stored without the sender's account or address: only what they chose to write."""

    id: str
    category: Category
    text: str
    created_at: datetime
    contact: str | None = None


@dataclass(slots=True)
class Feature:
    id: str
    title: str
    description: str
    status: FeatureStatus
    created_at: datetime
    #: The proposer; None once they erased their account.
    created_by: str | None = None
    votes: int = 0


@dataclass(frozen=True, slots=True)
class FeedbackLimits:
    feedback_per_ip_per_hour: int = 10
    proposals_per_user_per_day: int = 5
