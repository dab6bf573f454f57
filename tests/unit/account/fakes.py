"""A clock-driven ``AttemptLimiter`` for use-case tests: moving windows over the fake clock (the
``limits`` adapter reads the wall clock; it has its own contract test in tests/integration)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from domain.attempts import AttemptRule
from domain.free_credits.sliding_window import SlidingWindow
from tests.fixtures.clock import FakeClock


class ClockedAttemptLimiter:
    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self._hits: dict[tuple[str, str], list[datetime]] = defaultdict(list)

    def _window(self, rule: AttemptRule) -> SlidingWindow:
        return SlidingWindow(rule.limit, rule.period)

    async def hit(self, rule: AttemptRule, key: str) -> int | None:
        wait = await self.blocked(rule, key)
        if wait is None:
            self._hits[(rule.name, key)].append(self._clock.now())
        return wait

    async def blocked(self, rule: AttemptRule, key: str) -> int | None:
        return self._window(rule).retry_after(self._hits[(rule.name, key)], self._clock.now())

    async def remaining(self, rule: AttemptRule, key: str) -> int:
        live = self._window(rule).live(self._hits[(rule.name, key)], self._clock.now())
        return max(0, rule.limit - len(live))

    async def clear(self, rule: AttemptRule, key: str) -> None:
        self._hits.pop((rule.name, key), None)
