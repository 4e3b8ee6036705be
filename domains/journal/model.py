"""The journal's entities and the rules for what a user may write."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from domains.shared.errors import InvalidInput

#: Bound into every entry's ciphertext; bump it when the sealed payload's layout changes.
ENTRY_FORMAT_VERSION = 1
GRATITUDE_FORMAT_VERSION = 1

MAX_COLLECTION_NAME = 100
MAX_TITLE = 200
MAX_TAGS = 20
MAX_TAG = 40
MAX_DELTA_OPS = 20_000
MAX_TEXT_CHARS = 200_000
MAX_ATTRIBUTES = 20
MAX_GRATITUDE = 500
#: The most entries or gratitude notes one page holds.
MAX_PAGE = 200
MIN_COLLECTION_PASSWORD = 8
MAX_COLLECTION_PASSWORD = 128


@dataclass(frozen=True, slots=True)
class KdfParameters:
    """argon2id parameters, stored with each protected collection so they can be raised later
    without breaking the collections derived with the old ones."""

    salt: bytes
    memory_kib: int
    time_cost: int
    parallelism: int


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A collection's data key, encrypted. `kdf` is None when the server key wraps it."""

    wrapped: bytes
    kdf: KdfParameters | None = None

    @property
    def protected(self) -> bool:
        return self.kdf is not None


@dataclass(slots=True)
class Collection:
    id: str
    user_id: str
    name: str
    key: WrappedKey
    created_at: datetime
    updated_at: datetime

    @property
    def protected(self) -> bool:
        return self.key.protected


@dataclass(slots=True)
class SealedEntry:
    """An entry as stored: the title, delta and tags exist only inside `ciphertext`."""

    id: str
    user_id: str
    collection_id: str
    ciphertext: bytes
    format_version: int
    word_count: int
    written_on: date
    created_at: datetime
    updated_at: datetime
    mood_entry_id: str | None = None


@dataclass(slots=True)
class Entry:
    """An entry as its owner reads it."""

    id: str
    collection_id: str
    title: str
    content: dict[str, Any]
    tags: list[str]
    word_count: int
    written_on: date
    created_at: datetime
    updated_at: datetime
    mood_entry_id: str | None = None

    def plain_text(self) -> str:
        return delta_text(self.content)


@dataclass(slots=True)
class SealedGratitude:
    id: str
    user_id: str
    on_date: date
    key: WrappedKey
    ciphertext: bytes
    format_version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Gratitude:
    id: str
    on_date: date
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Grant:
    """Proof that the collection's password was given a moment ago; the client sends `token`."""

    token: str
    collection_id: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class Stats:
    entries: int
    words: int
    per_month: dict[str, int]
    current_streak: int
    longest_streak: int
    gratitude_entries: int


@dataclass(frozen=True, slots=True)
class EntryDraft:
    title: str
    content: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    mood_entry_id: str | None = None


# -- rules -----------------------------------------------------------------------------------


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit is 1 to {MAX_PAGE} and offset is not negative", field="limit")


def check_collection_name(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise InvalidInput("the collection name cannot be empty", field="name")
    if len(name) > MAX_COLLECTION_NAME or any(ord(c) < 32 for c in name):
        raise InvalidInput(
            f"the collection name must be at most {MAX_COLLECTION_NAME} printable characters",
            field="name",
        )
    return name


def check_collection_password(password: str, field: str = "password") -> None:
    if not MIN_COLLECTION_PASSWORD <= len(password) <= MAX_COLLECTION_PASSWORD:
        raise InvalidInput(
            f"a collection password has {MIN_COLLECTION_PASSWORD} to "
            f"{MAX_COLLECTION_PASSWORD} characters",
            field=field,
        )


def check_title(raw: str) -> str:
    title = raw.strip()
    if len(title) > MAX_TITLE or any(ord(c) < 32 for c in title):
        raise InvalidInput(
            f"the title must be at most {MAX_TITLE} printable characters", field="title"
        )
    return title


def check_tags(raw: list[str]) -> list[str]:
    tags: list[str] = []
    for tag in raw:
        tag = tag.strip().lower()
        if not tag or len(tag) > MAX_TAG or any(ord(c) < 32 for c in tag):
            raise InvalidInput(f"each tag has 1 to {MAX_TAG} printable characters", field="tags")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"at most {MAX_TAGS} tags per entry", field="tags")
    return tags


def check_gratitude(raw: str) -> str:
    text = raw.strip()
    if not text or len(text) > MAX_GRATITUDE:
        raise InvalidInput(f"a gratitude entry has 1 to {MAX_GRATITUDE} characters", field="text")
    return text


def _bad_delta(detail: str) -> InvalidInput:
    return InvalidInput(f"content is not a valid Quill delta: {detail}", field="content")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def check_delta(content: Any) -> dict[str, Any]:
    """A Quill document delta: {"ops": [{"insert": str | {embed: value}, "attributes"?: {}}]}.
    Documents are inserts only (retain and delete describe changes, not documents)."""
    if not isinstance(content, dict) or set(content) != {"ops"}:
        raise _bad_delta('expected an object with only an "ops" list')
    ops = content["ops"]
    if not isinstance(ops, list):
        raise _bad_delta('"ops" must be a list')
    if len(ops) > MAX_DELTA_OPS:
        raise _bad_delta(f"at most {MAX_DELTA_OPS} operations")
    chars = 0
    for index, op in enumerate(ops):
        if (
            not isinstance(op, dict)
            or "insert" not in op
            or not set(op) <= {"insert", "attributes"}
        ):
            raise _bad_delta(f"operation {index} must be an insert")
        insert = op["insert"]
        if isinstance(insert, str):
            chars += len(insert)
        elif isinstance(insert, dict) and len(insert) == 1:
            ((kind, value),) = insert.items()
            if not isinstance(kind, str) or not _is_scalar(value) or len(str(value)) > 2048:
                raise _bad_delta(f"operation {index} has an invalid embed")
            chars += 1
        else:
            raise _bad_delta(f"operation {index} inserts neither text nor one embed")
        attributes = op.get("attributes", {})
        if (
            not isinstance(attributes, dict)
            or len(attributes) > MAX_ATTRIBUTES
            or not all(isinstance(k, str) and len(k) <= 64 for k in attributes)
            or not all(_is_scalar(v) and len(str(v)) <= 256 for v in attributes.values())
        ):
            raise _bad_delta(f"operation {index} has invalid attributes")
    if chars > MAX_TEXT_CHARS:
        raise _bad_delta(f"at most {MAX_TEXT_CHARS} characters of text")
    return {"ops": ops}


def delta_text(content: dict[str, Any]) -> str:
    return "".join(
        op["insert"] for op in content.get("ops", []) if isinstance(op.get("insert"), str)
    )


def count_words(text: str) -> int:
    return len(text.split())


class Keep(Enum):
    """Marks a field an update leaves as it is (None would mean "clear it")."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True, slots=True)
class EntryChanges:
    title: str | None = None
    content: dict[str, Any] | None = None
    tags: list[str] | None = None
    collection_id: str | None = None
    mood_entry_id: str | Keep | None = KEEP
