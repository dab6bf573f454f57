"""Which time slot an instant belongs to, for jobs that run once per slot.

Slots of length ``every`` are aligned on the Unix epoch shifted by ``offset``: ``every=1 day,
offset=6 h`` gives slots starting at 06:00 UTC each day; ``every=5 min`` gives :00, :05, :10...
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def slot_start(now: datetime, every: timedelta, offset: timedelta = timedelta(0)) -> datetime:
    """The start of the slot containing ``now`` (tz-aware UTC)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if every <= timedelta(0):
        raise ValueError("every must be positive")
    if not timedelta(0) <= offset < every:
        raise ValueError("offset must be within one period")
    elapsed = now.astimezone(UTC) - EPOCH - offset
    return EPOCH + offset + every * (elapsed // every)
