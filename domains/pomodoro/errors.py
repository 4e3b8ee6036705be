from __future__ import annotations

from domains.shared.errors import Conflict, NotFound


class SessionNotFound(NotFound):
    """Also for another user's session, so its existence is never revealed."""

    def __init__(self) -> None:
        super().__init__("no such pomodoro session")


class SessionNotRunning(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"the session is already {status}; only a running session can change")


class SessionAlreadyRunning(Conflict):
    """A person runs one timer at a time; starting another is refused unless the client asks
    to replace the running one. `session_id` names it, so the client can show or end it."""

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"session {session_id} is still running; complete or abandon it, or start with "
            "replace=true to abandon it",
            field="replace",
            extensions={"running_session_id": session_id},
        )
        self.session_id = session_id
