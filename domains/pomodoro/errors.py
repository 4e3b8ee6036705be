from __future__ import annotations

from domains.shared.errors import Conflict, NotFound


class SessionNotFound(NotFound):
    """Also for another user's session, so its existence is never revealed."""

    def __init__(self) -> None:
        super().__init__("no such pomodoro session")


class SessionNotRunning(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"the session is already {status}; only a running session can change")
