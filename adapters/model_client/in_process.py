"""The project's own model, loaded in this process from a checkpoint folder or a serving
bundle (whose checksums `model.api.load` verifies first).

Loading happens once, on first use, off the event loop. Generation runs in a worker thread,
one reply at a time (a model instance is not safe to share between concurrent generations);
streamed pieces cross from that thread to the event loop through a queue."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from domains.assistant.model import ChatTurn
from domains.shared.errors import Unavailable

_DONE = object()


def _load_from_model_package(checkpoint: Path) -> Any:
    from model.api import load

    return load(checkpoint)


def load_verified_bundle(folder: Path) -> Any:
    """A serving bundle only (its checksums verified), never a bare checkpoint."""
    from model.api import load_bundle

    return load_bundle(folder)


class InProcessModelClient:
    def __init__(
        self,
        checkpoint: str | Path,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.7,
        loader: Callable[[Path], Any] = _load_from_model_package,
        fetch: Callable[[Path], object] | None = None,
    ) -> None:
        """`fetch`, when given, puts the checkpoint in place first (the ai-handler copies it
        from S3); it runs once, with the loading."""
        self._checkpoint = Path(checkpoint)
        self._options = {"max_new_tokens": max_new_tokens, "temperature": temperature}
        self._loader = loader
        self._fetch = fetch
        self._model: Any = None
        self._loading = asyncio.Lock()
        self._generating = threading.Lock()

    async def ensure_available(self) -> None:
        await self._lm()

    async def _lm(self) -> Any:
        if self._model is not None:
            return self._model
        async with self._loading:
            if self._model is None:
                if self._fetch is not None:
                    try:
                        await asyncio.to_thread(self._fetch, self._checkpoint)
                    # Whatever the store raises (network, permissions, a missing bundle), the
                    # user's answer is the same: no model right now.
                    except Exception as e:
                        raise Unavailable("the assistant's model could not be fetched") from e
                if not self._checkpoint.exists():
                    raise Unavailable(
                        f"the assistant's model checkpoint {self._checkpoint} does not exist"
                    )
                try:
                    self._model = await asyncio.to_thread(self._loader, self._checkpoint)
                # A bundle that fails its checksums (BundleIntegrityError), a missing file or
                # weights of another shape: the cause stays on the error for the logs.
                except Exception as e:
                    raise Unavailable("the assistant's model could not be loaded") from e
        return self._model

    @staticmethod
    def _messages(turns: Sequence[ChatTurn]) -> list[dict[str, str]]:
        return [{"role": t.role.value, "content": t.content} for t in turns]

    async def reply(self, turns: Sequence[ChatTurn]) -> str:
        return "".join([piece async for piece in self.stream(turns)])

    async def stream(self, turns: Sequence[ChatTurn]) -> AsyncIterator[str]:
        lm = await self._lm()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                with self._generating:
                    pieces: Iterator[str] = lm.stream_chat(self._messages(turns), **self._options)
                    for piece in pieces:
                        if stop.is_set():
                            break
                        loop.call_soon_threadsafe(queue.put_nowait, piece)
            except BaseException as e:  # handed to the consumer, which re-raises it
                loop.call_soon_threadsafe(queue.put_nowait, e)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, _DONE)

        worker = loop.run_in_executor(None, produce)
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise Unavailable("the assistant's model failed while answering") from item
                yield item
        finally:
            # A client that hangs up stops the generation instead of leaving it running.
            stop.set()
            await worker
