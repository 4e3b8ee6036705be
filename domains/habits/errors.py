from __future__ import annotations

from domains.shared.errors import Conflict, NotFound


class HabitNotFound(NotFound):
    """Also for another user's habit, so its existence is never revealed."""

    def __init__(self) -> None:
        super().__init__("no such habit")


class HabitNameTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("you already have a habit with this name", field="name")
