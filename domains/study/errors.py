from __future__ import annotations

from domains.shared.errors import Conflict, NotFound


class DeckNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no such deck")


class CardNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no such card")


class NothingToUndo(Conflict):
    def __init__(self) -> None:
        super().__init__("there is no review to undo")
