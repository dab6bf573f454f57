"""The ``limits``-backed attempt limiter on process memory and on Redis: moving windows, the wait
it reports, remaining attempts, clearing; Redis unreachable falls back to this process."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from adapters.limits.attempts import LimitsAttemptLimiter
from domain.attempts import AttemptRule
from entrypoints.http.guards import limiter_storage
from tests.fixtures.databases import REDIS_URL

RULE = AttemptRule("test.attempts", 3, timedelta(seconds=2))


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest) -> Any:
    """Keys are random per test, so runs sharing the local Redis never meet."""
    return LimitsAttemptLimiter(limiter_storage(None if request.param == "memory" else REDIS_URL))


async def test_a_moving_window_counts_and_reports_the_wait(limiter: Any) -> None:
    key = uuid.uuid4().hex
    assert await limiter.remaining(RULE, key) == 3
    for left in (2, 1, 0):
        assert await limiter.hit(RULE, key) is None
        assert await limiter.remaining(RULE, key) == left
    assert await limiter.blocked(RULE, key) in (1, 2)
    assert await limiter.hit(RULE, key) in (1, 2)  # refused: not counted
    await asyncio.sleep(2.1)
    assert await limiter.blocked(RULE, key) is None
    assert await limiter.hit(RULE, key) is None


async def test_clear_and_keys_are_separate(limiter: Any) -> None:
    mine, theirs = uuid.uuid4().hex, uuid.uuid4().hex
    for _ in range(3):
        await limiter.hit(RULE, mine)
    assert await limiter.blocked(RULE, mine) is not None
    assert await limiter.blocked(RULE, theirs) is None
    await limiter.clear(RULE, mine)
    assert await limiter.remaining(RULE, mine) == 3


async def test_redis_unreachable_counts_in_this_process() -> None:
    limiter = LimitsAttemptLimiter(limiter_storage("redis://127.0.0.1:1/0"))
    key = uuid.uuid4().hex
    for _ in range(3):
        assert await limiter.hit(RULE, key) is None
    assert await limiter.hit(RULE, key) is not None
