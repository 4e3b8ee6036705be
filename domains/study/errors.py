from __future__ import annotations

from domains.shared.errors import Conflict, NotFound


class DeckNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no such deck")


class CardNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no such card")


class ConcurrentReview(Conflict):
    """Two reviews of one card raced (a double submit): only the first one counts."""

    def __init__(self) -> None:
        super().__init__("this card was just reviewed in another request; reload it")


class NothingToUndo(Conflict):
    def __init__(self) -> None:
        super().__init__("there is no review to undo")
