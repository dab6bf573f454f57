"""The throttle over the shared attempt limiter (``limits``): 3 per hour then a 30-minute
lockout for platform invites, a plain window for feedback answers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from limits.aio.storage import MemoryStorage

from adapters.limits.attempts import LimitsAttemptLimiter
from application.ports.attempts import Throttle
from domain.attempts import AttemptRule
from entrypoints.containers.community import (
    FEEDBACK_CODE_ATTEMPTS,
    INVITE_LOCKOUT,
    INVITES_PER_HOUR,
)


def _throttle(attempts: AttemptRule, lockout: AttemptRule | None = None) -> Throttle:
    return Throttle(LimitsAttemptLimiter(MemoryStorage()), attempts, lockout)


async def test_three_per_hour_then_a_thirty_minute_lockout_per_key() -> None:
    throttle = _throttle(INVITES_PER_HOUR, INVITE_LOCKOUT)
    assert [await throttle.attempt("alice") for _ in range(3)] == [None, None, None]
    locked = await throttle.attempt("alice")
    assert locked is not None and 1790 <= locked <= 1800
    again = await throttle.attempt("alice")
    assert again is not None and again <= locked  # still locked, counting down
    assert await throttle.attempt("bob") is None  # per key


async def test_after_the_lockout_the_window_starts_afresh() -> None:
    throttle = _throttle(
        AttemptRule("t", 2, timedelta(hours=1)), AttemptRule("t.lock", 1, timedelta(seconds=1))
    )
    assert await throttle.attempt("k") is None
    assert await throttle.attempt("k") is None
    assert await throttle.attempt("k") == 1
    await asyncio.sleep(1.2)
    assert await throttle.attempt("k") is None


async def test_without_a_lockout_it_is_a_plain_window() -> None:
    throttle = _throttle(FEEDBACK_CODE_ATTEMPTS)
    assert await throttle.attempt("code") is None
    retry = await throttle.attempt("code")
    assert retry is not None and 1 <= retry <= 60
