"""Test doubles for the jobs use cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from application.ports.outbox import PendingMessage


class SteppingClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class RecordingPublisher:
    def __init__(self, fail: bool = False) -> None:
        self.published: list[PendingMessage] = []
        self.fail = fail

    async def publish(self, messages: Sequence[PendingMessage]) -> None:
        if self.fail:
            raise ConnectionError("broker down")
        self.published.extend(messages)

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.published]
