"""Stopping a generation on whichever instance runs it: Redis pub/sub, nothing written per turn.

Every instance listens, on one pub/sub connection opened at start, to the stop channel and to an
answer channel of its own. A stop publishes the conversation id, the asker's answer channel and
a request id on the stop channel; every instance that hears it cancels the conversation's
generation if it runs there (``on_stop``, its own registry of running generations) and answers
on the asker's channel whether it did. ``request_stop`` is True as soon as one instance answers
that it stopped the generation; False once every instance that heard the request (PUBLISH counts
them) answered that it did not, or after ``ANSWER_TIMEOUT_SECONDS`` (ADR 0080: the per-turn
mark of ADR 0072, a ``SET`` before the first chunk and a ``DEL`` after the reply, is gone).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.redis.listener_task import stop_listener

log = logging.getLogger(__name__)
CHANNEL = "ai:stop"
ANSWERS = "ai:stop:answers:"  # + the instance's id
#: How long a stop waits for instances that heard it but have not answered (a stalled or dying
#: instance); answers normally come within a round trip and an event-loop turn.
ANSWER_TIMEOUT_SECONDS = 2.0


class _Asked:
    """One stop request awaiting its answers."""

    def __init__(self, future: asyncio.Future[bool]) -> None:
        self.future = future
        self.answers = 0
        self.heard: int | None = None  # instances that received it, once PUBLISH said so

    def answered(self, stopped: bool) -> None:
        self.answers += 1
        if stopped:
            self._end(True)
        self._check()

    def expect(self, heard: int) -> None:
        self.heard = heard
        self._check()

    def _check(self) -> None:
        if self.heard is not None and self.answers >= self.heard:
            self._end(False)

    def _end(self, stopped: bool) -> None:
        if not self.future.done():
            self.future.set_result(stopped)


class RedisStopSignal:
    def __init__(
        self,
        redis: Redis,
        prefix: str = "",
        answer_timeout_seconds: float = ANSWER_TIMEOUT_SECONDS,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._answers = f"{prefix}{ANSWERS}{uuid.uuid4().hex}"
        self._timeout = answer_timeout_seconds
        self._cancel: Callable[[str], bool] = lambda _: False
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._asked: dict[str, _Asked] = {}
        self._replying: set[asyncio.Task[None]] = set()

    @property
    def channel(self) -> str:
        return self._prefix + CHANNEL

    async def request_stop(self, conversation_id: str) -> bool:
        request = uuid.uuid4().hex
        asked = _Asked(asyncio.get_running_loop().create_future())
        self._asked[request] = asked
        message = json.dumps({"c": conversation_id, "a": self._answers, "r": request})
        try:
            asked.expect(int(await self._redis.publish(self.channel, message)))
            return await asyncio.wait_for(asked.future, self._timeout)
        except RedisError:
            log.warning("stop signal: Redis unavailable")
            return False
        except TimeoutError:
            log.warning("stop signal: not every instance answered within %ss", self._timeout)
            return False
        finally:
            self._asked.pop(request, None)

    def on_stop(self, cancel: Callable[[str], bool]) -> None:
        self._cancel = cancel

    async def start(self) -> None:
        self._listener = asyncio.get_running_loop().create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), 5)

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel, self._answers)
                    self._ready.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._heard(_text(message["channel"]), _text(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:  # reconnect: Redis restarts must not end the listener
                self._ready.set()
                log.warning("stop signal listener lost Redis; retrying", exc_info=True)
                await asyncio.sleep(1)

    def _heard(self, channel: str, data: str) -> None:
        try:
            message: Any = json.loads(data)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            log.warning("stop signal: a message not of this version on %s", channel)
            return
        if channel == self._answers:
            asked = self._asked.get(str(message.get("r")))
            if asked is not None:
                asked.answered(bool(message.get("s")))
            return
        stopped = self._cancel(str(message.get("c")))
        answers, request = message.get("a"), message.get("r")
        if isinstance(answers, str) and isinstance(request, str):
            reply = asyncio.get_running_loop().create_task(self._answer(answers, request, stopped))
            self._replying.add(reply)
            reply.add_done_callback(self._replying.discard)

    async def _answer(self, channel: str, request: str, stopped: bool) -> None:
        with contextlib.suppress(RedisError):  # the asker then times out: False
            await self._redis.publish(channel, json.dumps({"r": request, "s": stopped}))

    async def close(self) -> None:
        await stop_listener(self._listener)
        self._listener = None
        for reply in list(self._replying):
            reply.cancel()


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
