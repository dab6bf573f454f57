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
import time
import uuid
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
        await self.bus.publish(
            command.user_id,
            command.type,
            command.data,
            source_id=message_id,
            raised_at=_written_at(message_id),
        )


def _written_at(message_id: str) -> float | None:
    """When the outbox row was written (its UUIDv7's milliseconds): before its commit."""
    try:
        value = uuid.UUID(message_id)
    except ValueError:
        return None
    return (value.int >> 80) / 1000 if value.version == 7 else None


@dataclass
class _Lane:
    """One user's committed events on one event loop, published in commit order by one task."""

    # (outbox message id, its command, when it was committed by), in commit order
    pending: collections.deque[tuple[str, PublishRealtime, float]] = field(
        default_factory=collections.deque
    )
    task: asyncio.Task[None] | None = None


class PublishAfterCommit:
    """``AfterCommit``: publishes the ``PublishRealtime`` commands a transaction stored, as soon
    as it committed, without holding up the caller. One lane per user and event loop: a user's
    events are published one after the other in commit order, different users' in parallel.

    (One lane for the whole loop made every event wait for the round trips of all events
    committed before it: under 16 concurrent requests the lane fell ~400 ms behind the commits,
    docs/performance.md "Realtime fan-out".) A failure is only logged: the relay publishes the
    message anyway."""

    def __init__(self, bus: RealtimeBus) -> None:
        self._bus = bus
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Lane]] = (
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
        committed = time.time()  # the commit just returned: the event exists by now (ADR 0074)
        lanes = self._lanes.get(loop)
        if lanes is None:
            lanes = self._lanes[loop] = {}
        for message_id, command in events:
            lane = lanes.get(command.user_id)
            if lane is None:
                lane = lanes[command.user_id] = _Lane()
            lane.pending.append((message_id, command, committed))
            if lane.task is None or lane.task.done():
                lane.task = loop.create_task(
                    self._drain(lanes, command.user_id, lane), name="realtime-after-commit"
                )

    async def _drain(self, lanes: dict[str, _Lane], user_id: str, lane: _Lane) -> None:
        try:
            while lane.pending:
                message_id, command, committed = lane.pending.popleft()
                try:
                    await self._bus.publish(
                        command.user_id,
                        command.type,
                        command.data,
                        source_id=message_id,
                        raised_at=committed,
                    )
                except Exception as exc:  # noqa: BLE001 - best effort: the relay publishes it
                    log.warning("realtime publish after commit failed (the relay will): %r", exc)
        finally:
            if lanes.get(user_id) is lane and not lane.pending:
                del lanes[user_id]  # nothing left: the next commit of this user starts a lane

    async def drain(self) -> None:
        """Wait until everything committed so far on this loop is published (tests, shutdown)."""
        lanes = self._lanes.get(asyncio.get_running_loop())
        while lanes:
            tasks = [lane.task for lane in lanes.values() if lane.task and not lane.task.done()]
            if not tasks:
                return
            await asyncio.shield(asyncio.gather(*tasks, return_exceptions=True))
