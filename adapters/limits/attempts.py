"""``AttemptLimiter`` on ``limits``' moving windows: the same storage the HTTP rate limits use
(``entrypoints/http/guards.limiter_storage``: Redis when ``REDIS_URL`` is set, memory otherwise).

A moving window has no edge to game (a fixed window lets 2 x limit through across its boundary).
Redis down: the counts fall back to this process's memory for ``RETRY_SHARED_AFTER_SECONDS`` at a
time, as the HTTP limits do (ADR 0091); a warning is logged per outage retry.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from domain.attempts import AttemptRule

log = logging.getLogger(__name__)

#: A call to the shared store (Redis) slower than this counts as an outage.
STORE_TIMEOUT_SECONDS = 0.5
#: After an outage the shared store is tried again this long after (this process counts between).
RETRY_SHARED_AFTER_SECONDS = 5.0
KEY_NAMESPACE = "attempts"


class LimitsAttemptLimiter:
    def __init__(self, storage: Storage, fallback: Storage | None = None) -> None:
        self._shared = MovingWindowRateLimiter(storage)
        local = fallback or (None if isinstance(storage, MemoryStorage) else MemoryStorage())
        self._local = MovingWindowRateLimiter(local) if local is not None else None
        self._degraded_until = 0.0  # monotonic time until which this process counts

    @staticmethod
    def _item(rule: AttemptRule) -> RateLimitItem:
        return RateLimitItemPerSecond(rule.limit, max(1, int(rule.period.total_seconds())))

    async def _run(self, call: str, rule: AttemptRule, key: str) -> object:
        item = self._item(rule)
        if self._local is None or time.monotonic() >= self._degraded_until:
            try:
                async with asyncio.timeout(STORE_TIMEOUT_SECONDS):
                    return await getattr(self._shared, call)(item, KEY_NAMESPACE, rule.name, key)
            except Exception as exc:
                if self._local is None:
                    raise
                log.warning("attempts.degraded_to_process", extra={"error": repr(exc)})
                self._degraded_until = time.monotonic() + RETRY_SHARED_AFTER_SECONDS
        return await getattr(self._local, call)(item, KEY_NAMESPACE, rule.name, key)

    async def _wait(self, rule: AttemptRule, key: str) -> int:
        stats = await self._run("get_window_stats", rule, key)
        reset = getattr(stats, "reset_time", time.time() + rule.period.total_seconds())
        return max(1, math.ceil(reset - time.time()))

    async def hit(self, rule: AttemptRule, key: str) -> int | None:
        if await self._run("hit", rule, key):
            return None
        return await self._wait(rule, key)

    async def blocked(self, rule: AttemptRule, key: str) -> int | None:
        if await self._run("test", rule, key):
            return None
        return await self._wait(rule, key)

    async def remaining(self, rule: AttemptRule, key: str) -> int:
        stats = await self._run("get_window_stats", rule, key)
        return int(getattr(stats, "remaining", 0))

    async def clear(self, rule: AttemptRule, key: str) -> None:
        await self._run("clear", rule, key)
