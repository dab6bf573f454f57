"""Realtime events leave their producer through the outbox, after its commit.

A producer adds ``PublishRealtime(...)`` (``application/ports/outbox_commands.py``) to its unit of
work's outbox in the same transaction as the change; ``PublishRealtimeHandler`` puts it on the bus
with the outbox message id as its source id, so a redelivered message is published once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.ports.outbox_commands import PublishRealtime
from application.realtime.ports import RealtimeBus


class PublishRealtimeHandler:
    """Runs ``PublishRealtime`` commands."""

    def __init__(self, bus: RealtimeBus) -> None:
        self._bus = bus

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        command = PublishRealtime.from_payload(payload)
        await self._bus.publish(command.user_id, command.type, command.data, source_id=message_id)
