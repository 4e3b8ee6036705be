"""Reply jobs in this process's memory: the embedded profile (one process, the model in it).
A restart forgets jobs in flight; finished replies are in the conversation store."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from domains.assistant.model import ReplyJob, ReplyStatus


class InMemoryReplyStore:
    def __init__(self) -> None:
        self._jobs: dict[str, ReplyJob] = {}
        self._keys: dict[tuple[str, str, str], str] = {}
        self._pieces: dict[str, list[str]] = {}

    # No await inside any method: each is atomic on the event loop, like a conditional write.

    async def open(self, job: ReplyJob) -> ReplyJob:
        key = (job.user_id, job.conversation_id, job.key)
        found = self._keys.get(key)
        if found is not None:
            return copy.copy(self._jobs[found])
        self._keys[key] = job.id
        self._jobs[job.id] = copy.copy(job)
        self._pieces[job.id] = []
        return job

    def _own(self, user_id: str, reply_id: str) -> ReplyJob | None:
        job = self._jobs.get(reply_id)
        return job if job is not None and job.user_id == user_id else None

    async def attach(self, job: ReplyJob) -> None:
        stored = self._own(job.user_id, job.id)
        if stored is not None:
            stored.message_id, stored.message_position = job.message_id, job.message_position

    async def get(self, user_id: str, reply_id: str) -> ReplyJob | None:
        return copy.copy(self._own(user_id, reply_id))

    async def claim(self, user_id: str, reply_id: str) -> bool:
        job = self._own(user_id, reply_id)
        if job is None or job.status is not ReplyStatus.PENDING:
            return False
        job.status = ReplyStatus.RUNNING
        return True

    async def add_piece(self, user_id: str, reply_id: str, number: int, text: str) -> None:
        job = self._own(user_id, reply_id)
        if job is not None and number == len(self._pieces[reply_id]) + 1:
            self._pieces[reply_id].append(text)
            job.pieces = number

    async def pieces(self, user_id: str, reply_id: str, after: int = 0) -> Sequence[str]:
        if self._own(user_id, reply_id) is None:
            return []
        return list(self._pieces[reply_id][after:])

    async def finish(self, job: ReplyJob) -> None:
        stored = self._own(job.user_id, job.id)
        if stored is not None:
            stored.status, stored.reply_id, stored.error = job.status, job.reply_id, job.error

    async def erase_user(self, user_id: str) -> None:
        for reply_id in [i for i, j in self._jobs.items() if j.user_id == user_id]:
            del self._jobs[reply_id], self._pieces[reply_id]
        for key in [k for k in self._keys if k[0] == user_id]:
            del self._keys[key]
