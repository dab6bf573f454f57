"""A sliding-window limit over the times of past events (no fixed buckets to game at the edges)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SlidingWindow:
    limit: int
    period: timedelta

    def live(self, times: Iterable[datetime], now: datetime) -> tuple[datetime, ...]:
        """The events still inside the window ending at ``now``, oldest first."""
        return tuple(sorted(t for t in times if now - self.period < t <= now))

    def retry_after(self, times: Iterable[datetime], now: datetime) -> int | None:
        """None if one more event is allowed now, else the whole seconds until it is."""
        live = self.live(times, now)
        if len(live) < self.limit:
            return None
        # The oldest event that must leave the window before a slot frees up.
        frees_at = live[len(live) - self.limit] + self.period
        return max(1, math.ceil((frees_at - now).total_seconds()))
