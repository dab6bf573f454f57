"""Stopping a generation on whichever instance runs it: Redis pub/sub.

The instance running a conversation's generation marks it (``ai:generating:<id>`` = its own id,
with a TTL in case it dies); a stop publishes the conversation id on one channel that every
instance listens to, and the one running it cancels the task. ``request_stop`` answers True only
when some instance holds the mark and somebody heard the message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
CHANNEL = "ai:stop"
MARK_TTL_SECONDS = 15 * 60


class RedisStopSignal:
    def __init__(self, redis: Redis, prefix: str = "") -> None:
        self._redis = redis
        self._prefix = prefix
        self._instance = uuid.uuid4().hex
        self._cancel: Callable[[str], bool] = lambda _: False
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    def _mark(self, conversation_id: str) -> str:
        return f"{self._prefix}ai:generating:{conversation_id}"

    @property
    def channel(self) -> str:
        return self._prefix + CHANNEL

    async def generating(self, conversation_id: str) -> None:
        with contextlib.suppress(RedisError):  # a stop then reaches this instance only
            await self._redis.set(self._mark(conversation_id), self._instance, ex=MARK_TTL_SECONDS)

    async def finished(self, conversation_id: str) -> None:
        with contextlib.suppress(RedisError):
            await self._redis.delete(self._mark(conversation_id))

    async def request_stop(self, conversation_id: str) -> bool:
        try:
            if not await self._redis.exists(self._mark(conversation_id)):
                return False
            return int(await self._redis.publish(self.channel, conversation_id)) > 0
        except RedisError:
            log.warning("stop signal: Redis unavailable")
            return False

    def on_stop(self, cancel: Callable[[str], bool]) -> None:
        self._cancel = cancel

    async def start(self) -> None:
        self._listener = asyncio.get_running_loop().create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), 5)

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    self._ready.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            data = message["data"]
                            self._cancel(data.decode() if isinstance(data, bytes) else str(data))
            except asyncio.CancelledError:
                raise
            except Exception:  # reconnect: Redis restarts must not end the listener
                self._ready.set()
                log.warning("stop signal listener lost Redis; retrying", exc_info=True)
                await asyncio.sleep(1)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
