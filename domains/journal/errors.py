from __future__ import annotations

from domains.shared.errors import Conflict, Forbidden, InvalidInput, NotFound


class CollectionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no such journal collection")


class EntryNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no such journal entry")


class CollectionNameTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("you already have a collection with this name", field="name")


class CollectionLocked(Forbidden):
    """A protected collection was used without a valid access grant for it."""

    def __init__(self) -> None:
        super().__init__(
            "this collection is protected: unlock it with its password and send the grant "
            "in the X-Journal-Grant header"
        )


class WrongCollectionPassword(InvalidInput):
    """Not a 401: the session is fine, and clients treat 401 as "sign in again"."""

    def __init__(self, field: str = "password") -> None:
        super().__init__("the collection password is incorrect", field=field)


class DecryptionFailed(Exception):
    """The ciphertext, its associated data or the key is not the one it was sealed with.
    Never shown to users as such: it means tampering, a wrong key, or a bug."""


class UnreadableEntry(Conflict):
    """Stored data failed its integrity check (tampering or corruption): refuse to show it."""

    def __init__(self) -> None:
        super().__init__("this journal data failed its integrity check and cannot be shown")
