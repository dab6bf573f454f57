"""Realtime events leave their producer through the outbox, after its commit.

A producer adds ``PublishRealtime(...).message()`` to its unit of work's outbox in the same
transaction as the change; the outbox handler ``PublishRealtimeEvent`` puts it on the bus with the
outbox id as its source id, so a redelivered message is published once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from application.ports.outbox import OutboxMessage
from application.realtime.ports import RealtimeBus
from domain.realtime.events import EVENT_TYPES

REALTIME_TOPIC = "realtime.publish"  # {"userId", "type", "data"}


@dataclass(frozen=True)
class PublishRealtime:
    """Command: tell ``user_id``'s connections about ``type`` with ``data``."""

    user_id: str
    type: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise ValueError(f"unknown realtime event type {self.type!r}")

    def to_payload(self) -> dict[str, Any]:
        return {"userId": self.user_id, "type": self.type, "data": dict(self.data)}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> PublishRealtime:
        return cls(str(payload["userId"]), str(payload["type"]), dict(payload.get("data") or {}))

    def message(self, dedupe_key: str | None = None) -> OutboxMessage:
        return OutboxMessage(REALTIME_TOPIC, self.to_payload(), dedupe_key=dedupe_key)


class PublishRealtimeEvent:
    """Handler of the ``realtime.publish`` topic."""

    def __init__(self, bus: RealtimeBus) -> None:
        self._bus = bus

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        command = PublishRealtime.from_payload(payload)
        await self._bus.publish(command.user_id, command.type, command.data, source_id=message_id)
