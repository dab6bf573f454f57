"""Realtime events leave their producer through the outbox, after its commit.

A producer adds ``PublishRealtime(...)`` (``application/ports/outbox_commands.py``) to its unit of
work's outbox in the same transaction as the change. Two things then put it on the bus, under the
outbox message id as its source id (the bus publishes a source once, so whichever comes second
is a no-op):

- ``PublishAfterCommit``, told by the unit of work right after the commit (``AfterCommit``):
  the event is published at once by the process that committed — the prompt path;
- ``PublishRealtimeHandler``, the outbox topic's handler, run by the worker when the relay
  delivers the row — the safety net: a crash or a bus outage between the commit and the prompt
  publish loses nothing (ADR 0070).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from application.ports.outbox import CommittedMessage
from application.ports.outbox_commands import PublishRealtime
from application.realtime.ports import RealtimeBus

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class PublishRealtimeHandler:
    """Runs ``PublishRealtime`` commands."""

    bus: RealtimeBus

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        command = PublishRealtime.from_payload(payload)
        await self.bus.publish(command.user_id, command.type, command.data, source_id=message_id)


@dataclass
class _Lane:
    """One event loop's queue of committed events, drained in commit order by one task."""

    # (outbox message id, its command), in commit order
    pending: collections.deque[tuple[str, PublishRealtime]] = field(
        default_factory=collections.deque
    )
    task: asyncio.Task[None] | None = None


class PublishAfterCommit:
    """``AfterCommit``: publishes the ``PublishRealtime`` commands a transaction stored, as soon
    as it committed, without holding up the caller (a task per event loop publishes them in
    commit order). A failure is only logged: the relay publishes the message anyway."""

    def __init__(self, bus: RealtimeBus) -> None:
        self._bus = bus
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lane] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self, messages: Sequence[CommittedMessage]) -> None:
        events = [(m.id, m.command) for m in messages if isinstance(m.command, PublishRealtime)]
        if not events:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop to publish on: the relay will
        lane = self._lanes.get(loop)
        if lane is None:
            lane = self._lanes[loop] = _Lane()
        lane.pending.extend(events)
        if lane.task is None or lane.task.done():
            lane.task = loop.create_task(self._drain(lane), name="realtime-after-commit")

    async def _drain(self, lane: _Lane) -> None:
        while lane.pending:
            message_id, command = lane.pending.popleft()
            try:
                await self._bus.publish(
                    command.user_id, command.type, command.data, source_id=message_id
                )
            except Exception as exc:  # noqa: BLE001 - best effort: the relay publishes it
                log.warning("realtime publish after commit failed (the relay will): %r", exc)

    async def drain(self) -> None:
        """Wait until everything committed so far on this loop is published (tests, shutdown)."""
        lane = self._lanes.get(asyncio.get_running_loop())
        if lane is not None and lane.task is not None:
            await asyncio.shield(lane.task)
