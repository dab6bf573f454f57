"""Counting attempts in moving windows (the ``limits`` library: Redis or process memory), and
the throttle built on it: a window, optionally followed by a lockout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.attempts import AttemptRule


class AttemptLimiter(Protocol):
    """Counts attempts in moving windows (the ``limits`` library: Redis or process memory)."""

    async def hit(self, rule: AttemptRule, key: str) -> int | None:
        """Count one attempt; None if allowed, else the whole seconds until one is."""
        ...

    async def blocked(self, rule: AttemptRule, key: str) -> int | None:
        """Without counting: None if an attempt would be allowed, else the seconds to wait."""
        ...

    async def remaining(self, rule: AttemptRule, key: str) -> int:
        """How many more attempts the window allows now."""
        ...

    async def clear(self, rule: AttemptRule, key: str) -> None: ...


@dataclass(frozen=True, eq=False)
class Throttle:
    """``attempts`` per window per key; with a ``lockout`` rule (one hit per its period), the
    attempt past the limit locks the key for that period and the window starts afresh after it.
    ``attempt`` answers None when allowed, else the whole seconds to wait."""

    limiter: AttemptLimiter
    attempts: AttemptRule
    lockout: AttemptRule | None = None

    async def attempt(self, key: str) -> int | None:
        limiter, lockout = self.limiter, self.lockout
        if lockout is not None and (wait := await limiter.blocked(lockout, key)) is not None:
            return wait
        wait = await limiter.hit(self.attempts, key)
        if wait is None or lockout is None:
            return wait
        await limiter.hit(lockout, key)
        await limiter.clear(self.attempts, key)
        return await limiter.blocked(lockout, key) or int(lockout.period.total_seconds())
