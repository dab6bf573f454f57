"""The attempt limiter on the ``limits`` library: 3 per hour then a 30-minute lockout."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from limits.aio.storage import MemoryStorage

from adapters.ratelimit.attempts import LimitsAttemptLimiter


async def test_three_per_hour_then_a_thirty_minute_lockout_per_key() -> None:
    limiter = LimitsAttemptLimiter(MemoryStorage(), "t", "3/hour", timedelta(minutes=30))
    assert [await limiter.attempt("alice") for _ in range(3)] == [None, None, None]
    locked = await limiter.attempt("alice")
    assert locked is not None and 1790 <= locked <= 1800
    again = await limiter.attempt("alice")
    assert again is not None and again <= locked  # still locked, counting down
    assert await limiter.attempt("bob") is None  # per key


async def test_after_the_lockout_the_window_starts_afresh() -> None:
    limiter = LimitsAttemptLimiter(MemoryStorage(), "t", "2/hour", timedelta(seconds=1))
    assert await limiter.attempt("k") is None
    assert await limiter.attempt("k") is None
    assert await limiter.attempt("k") == 1
    await asyncio.sleep(1.2)
    assert await limiter.attempt("k") is None


async def test_without_a_lockout_it_is_a_plain_window() -> None:
    limiter = LimitsAttemptLimiter(MemoryStorage(), "t", "1/minute")
    assert await limiter.attempt("code") is None
    retry = await limiter.attempt("code")
    assert retry is not None and 1 <= retry <= 60


class BrokenStorage(MemoryStorage):
    async def incr(self, *args: object, **kwargs: object) -> int:
        raise ConnectionError("redis down")

    async def get(self, *args: object, **kwargs: object) -> int:
        raise ConnectionError("redis down")


async def test_a_storage_outage_counts_in_this_process_instead() -> None:
    limiter = LimitsAttemptLimiter(BrokenStorage(), "t", "1/minute")
    assert await limiter.attempt("k") is None
    assert await limiter.attempt("k") is not None
