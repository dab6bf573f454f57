"""``AttemptLimiter`` on the ``limits`` library, as the HTTP rate limiter uses it.

``limit`` attempts per window per key; with a ``lockout`` the attempt past the limit locks the
key for that long (a second fixed window of one hit, whose expiry is the Retry-After), and the
attempt window starts afresh when the lockout ends. Redis down: counted in this process instead
(like the HTTP limiter, ADR 0091), never a 500.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

import structlog
from limits import RateLimitItem, RateLimitItemPerSecond, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter

log = structlog.get_logger(__name__)


class LimitsAttemptLimiter:
    def __init__(
        self,
        storage: Storage,
        namespace: str,
        limit: str,
        lockout: timedelta | None = None,
    ) -> None:
        self._storage = storage
        self._fallback = MemoryStorage()
        self._namespace = namespace
        self._limit: RateLimitItem = parse(limit)
        self._lock: RateLimitItem | None = (
            RateLimitItemPerSecond(1, int(lockout.total_seconds())) if lockout else None
        )

    async def attempt(self, key: str) -> int | None:
        try:
            return await self._attempt(FixedWindowRateLimiter(self._storage), key)
        except Exception as exc:  # noqa: BLE001 - a limiter outage must not take the API down
            log.warning("attempt_limiter.degraded_to_process", error=f"{type(exc).__name__}: {exc}")
            return await self._attempt(FixedWindowRateLimiter(self._fallback), key)

    async def _attempt(self, limiter: FixedWindowRateLimiter, key: str) -> int | None:
        ns = self._namespace
        if self._lock is not None and not await limiter.test(self._lock, ns, "lock", key):
            return await self._retry_after(limiter, self._lock, "lock", key)
        if await limiter.hit(self._limit, ns, "attempts", key):
            return None
        if self._lock is None:
            return await self._retry_after(limiter, self._limit, "attempts", key)
        await limiter.hit(self._lock, ns, "lock", key)
        await limiter.clear(self._limit, ns, "attempts", key)
        return await self._retry_after(limiter, self._lock, "lock", key)

    async def _retry_after(
        self, limiter: FixedWindowRateLimiter, item: RateLimitItem, kind: str, key: str
    ) -> int:
        stats = await limiter.get_window_stats(item, self._namespace, kind, key)
        return max(1, math.ceil(stats.reset_time - time.time()))
