"""Test doubles for the jobs use cases."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.outbox import PendingMessage


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
