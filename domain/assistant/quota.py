"""The daily free quota: per user per UTC day (API.md "AI assistant", quota)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


def quota_day(now: datetime) -> date:
    return now.astimezone(UTC).date()


def quota_reset(now: datetime) -> datetime:
    """The next UTC midnight: when the day's count starts again."""
    return datetime.combine(quota_day(now) + timedelta(days=1), time(0), tzinfo=UTC)


@dataclass(frozen=True)
class QuotaStatus:
    limit: int
    used: int
    reset: datetime

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)
