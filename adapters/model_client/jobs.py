"""Where a reply job's model run happens: a task in this process, or the ai-handler Lambda
invoked asynchronously (`InvocationType=Event`), which runs the same use case."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import msgspec
import structlog
from botocore.exceptions import BotoCoreError, ClientError

from domains.assistant.model import ReplyJob
from domains.shared.errors import Unavailable

log = structlog.get_logger("refocused.assistant.jobs")

#: The ai-handler's event for a job: it claims the job and runs the model once.
RUN_ACTION = "assistant.run"


class RunEvent(msgspec.Struct, tag_field="action", tag=RUN_ACTION):
    """What LambdaReplyRunner sends the ai-handler and the function decodes (strictly)."""

    user_id: Annotated[str, msgspec.Meta(min_length=1)]
    reply_id: str


class TaskReplyRunner:
    """Runs jobs as tasks of this process's event loop (the model in-process)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, job: ReplyJob, run: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.create_task(self._guarded(job, run))
        self._tasks.add(task)  # a reference, so the task is not collected mid-run
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guarded(job: ReplyJob, run: Callable[[], Awaitable[None]]) -> None:
        try:
            await run()
        except Exception as e:  # the job is already marked failed; keep the loop clean
            log.error("assistant.job_failed", reply_id=job.id, error=type(e).__name__)

    async def wait(self) -> None:
        """Waits for every running job (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


class LambdaReplyRunner:
    """Hands the job to the ai-handler with an asynchronous invoke: Lambda queues the event
    and answers 202 at once; the function claims the job in the shared table, so a retried
    delivery of the event (Lambda retries a failed asynchronous invoke up to twice) never
    runs the model a second time."""

    def __init__(self, client: Any, function_name: str) -> None:
        self._client = client
        self._function = function_name

    async def start(self, job: ReplyJob, run: Callable[[], Awaitable[None]]) -> None:
        payload = msgspec.json.encode(RunEvent(job.user_id, job.id))
        try:
            await asyncio.to_thread(
                self._client.invoke,
                FunctionName=self._function,
                InvocationType="Event",
                Payload=payload,
            )
        except (ClientError, BotoCoreError) as e:
            # The job stays pending: the same POST again starts it again.
            raise Unavailable("the assistant could not be reached; send the message again") from e
