"""Test doubles for the jobs use cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from application.ports.outbox import PendingMessage
from application.ports.outbox_commands import OutboxCommand


@dataclass(frozen=True)
class Probe(OutboxCommand):
    """A command of topic ``t`` for testing the outbox machinery itself."""

    TOPIC: ClassVar[str] = "t"
    n: int = 0

    def to_payload(self) -> dict[str, Any]:
        return {"n": self.n}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        return cls(n=int(payload["n"]))


def stored(message_id: str | None) -> str:
    """The id ``Outbox.add`` returned for a message that was stored (not deduplicated)."""
    assert message_id is not None
    return message_id


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
