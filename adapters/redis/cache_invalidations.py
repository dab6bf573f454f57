"""Redis pub/sub carrying ``NearCache`` invalidations between processes (ADR 0060).

One channel per deployment; a message is the JSON list of invalidated keys. Each process holds
one subscription (its own connection, no read timeout) and tells its ``NearCache`` when the
subscription is live (``resume``: serve from memory) or lost (``suspend``: serve nothing from
memory until it is back, since messages sent meanwhile are gone).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Collection
from typing import Any

import orjson
import redis.asyncio as redis
import structlog
from redis.exceptions import RedisError

from adapters.near_cache import NearCache
from adapters.redis.listener_task import stop_listener

log = structlog.get_logger(__name__)

#: Pause before subscribing again after the subscription failed (seconds, doubling to the last).
RECONNECT_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0)
#: How long a silent subscription is waited on before it is checked (seconds).
POLL_SECONDS = 1.0


class RedisCacheInvalidations:
    """``InvalidationChannel`` on Redis pub/sub, and the subscriber feeding a ``NearCache``."""

    def __init__(
        self, client: redis.Redis, connect: Callable[[], redis.Redis], channel: str
    ) -> None:
        self._client = client  # publishes (the shared command client)
        self._connect = connect  # a client of its own for the subscription
        self._channel = channel
        self._listener: asyncio.Task[None] | None = None

    async def publish(self, keys: Collection[str]) -> None:
        try:
            await self._client.publish(self._channel, orjson.dumps(list(keys)))
        except RedisError as exc:  # the entries still expire after NearCache's TTL
            log.error("cache.invalidation_not_broadcast", keys=list(keys), error=str(exc))

    def listen(self, near: NearCache) -> None:
        """Start feeding ``near`` (until ``close``)."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen(near), name="cache-invalidations")

    async def close(self) -> None:
        await stop_listener(self._listener)
        self._listener = None

    async def _listen(self, near: NearCache) -> None:
        delays = iter(RECONNECT_DELAYS)
        while True:
            client = self._connect()
            pubsub: Any = client.pubsub()  # redis-py's PubSub is untyped
            try:
                await pubsub.subscribe(self._channel)
                while True:
                    message = await pubsub.get_message(timeout=POLL_SECONDS)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        near.resume()  # from now on no broadcast can be missed
                        delays = iter(RECONNECT_DELAYS)
                    elif message["type"] == "message":
                        keys = _keys(message["data"])
                        if keys is None:  # not ours to read: forget everything to be safe
                            near.resume()
                        else:
                            near.forget(keys)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: stop serving, resubscribe
                near.suspend()
                log.warning("cache.invalidations_lost", error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(next(delays, RECONNECT_DELAYS[-1]))
            finally:
                near.suspend()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                with contextlib.suppress(Exception):
                    await client.aclose()


def _keys(data: bytes | str) -> list[str] | None:
    try:
        keys = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        return None
    return keys
