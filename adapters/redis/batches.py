"""One script, asked for by many requests at once, sent to Redis together.

Every API request runs the request check (adapters.redis.stores) before anything else. Asked
one by one, each pays redis-py's whole path: a connection taken from the pool and given back,
its locks and bookkeeping, a write and a read. The calls made in one turn of the event loop
are sent as one pipeline instead (one connection, one write; replies in order), so under load
that path is paid once per turn, not once per request. A call alone in its turn is sent as
before. Each caller gets its own reply or its own error, as if it had called alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError


class ScriptBatches:
    def __init__(self, redis: Redis, source: str) -> None:
        self._redis = redis
        self._script = redis.register_script(source)
        self._waiting: list[tuple[Sequence[Any], Sequence[Any], asyncio.Future[Any]]] = []
        #: The batches on their way (a task is only weakly held by the loop).
        self._sending: set[asyncio.Task[None]] = set()

    async def __call__(self, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[Any] = loop.create_future()
        self._waiting.append((keys, args, reply))
        if len(self._waiting) == 1:  # the first of this turn sends them all at its end
            loop.call_soon(self._send_waiting)
        return await reply

    def _send_waiting(self) -> None:
        batch, self._waiting = self._waiting, []
        task = asyncio.ensure_future(self._send(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(
        self, batch: list[tuple[Sequence[Any], Sequence[Any], asyncio.Future[Any]]]
    ) -> None:
        if len(batch) == 1:
            keys, args, reply = batch[0]
            await _settle(reply, self._script(keys=keys, args=args))
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for keys, args, _ in batch:
                    pipe.evalsha(self._script.sha, len(keys), *keys, *args)
                replies = await pipe.execute(raise_on_error=False)
        except Exception as e:  # the connection failed: every caller hears of it
            for _, _, reply in batch:
                if not reply.done():
                    reply.set_exception(e)
            return
        except BaseException:  # cancelled (the worker stops): so are the callers
            for _, _, reply in batch:
                reply.cancel()
            raise
        for (keys, args, reply), value in zip(batch, replies, strict=True):
            if reply.done():  # its caller gave up: nothing to answer, nothing to run again
                continue
            if isinstance(value, NoScriptError):  # Redis restarted or flushed its scripts
                await _settle(reply, self._script(keys=keys, args=args))
            elif isinstance(value, Exception):
                reply.set_exception(value)
            else:
                reply.set_result(value)


async def _settle(reply: asyncio.Future[Any], call: Any) -> None:
    try:
        value = await call
    except Exception as e:
        if not reply.done():
            reply.set_exception(e)
        return
    if not reply.done():
        reply.set_result(value)
