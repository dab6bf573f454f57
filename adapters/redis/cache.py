"""Redis-backed cache. An outage degrades to misses (and failed deletes are retried once)."""

from __future__ import annotations

from typing import cast

import redis.asyncio as redis
import structlog
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)


class RedisCache:
    def __init__(self, client: redis.Redis, prefix: str = "fa:"):
        self._client = client
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self._client.get(self._prefix + key)
            return cast("bytes | None", value)  # a client without decode_responses
        except RedisError as exc:
            log.warning("cache.get_failed", key=key, error=str(exc))
            return None

    async def get_many(self, *keys: str) -> list[bytes | None]:
        if not keys:
            return []
        try:
            values = await self._client.mget([self._prefix + k for k in keys])
            return cast("list[bytes | None]", values)
        except RedisError as exc:
            log.warning("cache.get_failed", keys=keys, error=str(exc))
            return [None] * len(keys)

    async def add(self, key: str, value: bytes, ttl_seconds: int) -> bool:
        try:
            return bool(await self._client.set(self._prefix + key, value, ex=ttl_seconds, nx=True))
        except RedisError as exc:
            log.warning("cache.set_failed", key=key, error=str(exc))
            return False

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        try:
            await self._client.set(self._prefix + key, value, ex=ttl_seconds)
        except RedisError as exc:
            log.warning("cache.set_failed", key=key, error=str(exc))

    async def delete(self, *keys: str) -> None:
        if not keys:
            return
        names = [self._prefix + k for k in keys]
        for attempt in (1, 2):
            try:
                await self._client.delete(*names)
                return
            except RedisError as exc:
                # A stale entry outliving a write is the worse failure: say so loudly.
                log.error("cache.delete_failed", keys=keys, attempt=attempt, error=str(exc))

    async def ping(self) -> bool:
        return bool(await self._client.ping())


#: Connections one process's client may open, and how long a command waits for a free one.
MAX_CONNECTIONS = 50
POOL_TIMEOUT_SECONDS = 2.0


def redis_client(
    url: str, *, max_connections: int = MAX_CONNECTIONS, pool_timeout: float = POOL_TIMEOUT_SECONDS
) -> redis.Redis:
    """A client over a bounded pool: a burst of concurrent commands (hundreds of realtime
    connections opening at once) waits up to ``pool_timeout`` for a free connection instead of
    opening one per command until Redis refuses clients. Waiting longer raises
    ``redis.ConnectionError``, which callers treat as the outage it looks like."""
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=pool_timeout,
        socket_timeout=2,
        socket_connect_timeout=2,
        health_check_interval=30,
    )
    return redis.Redis.from_pool(pool)  # closing the client closes its pool
