"""Publishes outbox messages as ``run_outbox_message`` Dramatiq messages."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import dramatiq

from application.ports.outbox import PendingMessage


class DramatiqPublisher:
    """``JobPublisher`` over an actor. Sending may block on Redis, so it runs off the loop."""

    def __init__(self, actor: dramatiq.Actor[Any, Any]) -> None:
        self._actor = actor

    async def publish(self, messages: Sequence[PendingMessage]) -> None:
        await asyncio.to_thread(self._send_all, list(messages))

    def _send_all(self, messages: list[PendingMessage]) -> None:
        for message in messages:
            args = [message.id, message.topic, dict(message.payload)]
            if message.traceparent:  # a fourth argument only when traced (ADR 0093)
                args.append(message.traceparent)
            self._actor.send(*args)
