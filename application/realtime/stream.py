"""Opening a user's event stream: subscribe, then replay, then de-duplicate.

Subscribing first means no event can fall between the end of the replay and the start of live
delivery; the events that arrive live *and* in the replay are dropped by id. The live side is a
bounded queue filled by the bus and drained by the connection's one writer: a consumer more than
``MAX_PENDING`` events behind is dropped (it resumes by id), never allowed to hold up the bus.

With the bus's store away (Redis down: ``Unavailable``) a stream still opens, *degraded*: it says
``ready`` with no head and keeps the connection (heartbeats, re-checks). When the bus is back
(it tells ``Interrupted``, or the next heartbeat finds it answering), the stream replays after
the client's last id, or says ``resync`` when it cannot, or when it never had an id (ADR 0076).
"""

from __future__ import annotations

import asyncio
import collections
from dataclasses import dataclass

from application.realtime.ports import Delivery, Interrupted, RealtimeBus, Subscription
from domain.errors import Unavailable
from domain.realtime.events import EventId, RealtimeEvent, ReplayImpossible, ResyncReason

#: Events a connection may be behind before it is dropped (API.md: 256).
MAX_PENDING = 256


@dataclass(frozen=True)
class Ready:
    epoch: str | None
    last_event_id: str | None


@dataclass(frozen=True)
class Resync:
    reason: ResyncReason


Frame = Ready | RealtimeEvent | Resync


class SlowConsumer(Exception):
    """The connection fell more than ``MAX_PENDING`` events behind."""


class EventStream:
    """One connection's view of its user's stream. ``next()`` is awaited by one writer only."""

    def __init__(self, bus: RealtimeBus, user_id: str, max_pending: int = MAX_PENDING) -> None:
        self._bus = bus
        self._user_id = user_id
        self._max_pending = max_pending
        self._live: collections.deque[Delivery] = collections.deque()
        self._ready: collections.deque[Frame] = collections.deque()
        self._wakeup = asyncio.Event()
        self.dropped = asyncio.Event()  # set when the consumer fell too far behind
        self._last: EventId | None = None
        self._subscription: Subscription | None = None
        self._degraded = False  # the bus did not answer: replay or resync once it does

    @property
    def last_id(self) -> EventId | None:
        return self._last

    def offer(self, delivery: Delivery) -> None:
        """The bus's sink: queue without blocking; past the bound, drop the consumer."""
        if self.dropped.is_set():
            return
        if len(self._live) >= self._max_pending:
            self.dropped.set()
            self._wakeup.set()
            return
        self._live.append(delivery)
        self._wakeup.set()

    @property
    def degraded(self) -> bool:
        return self._degraded

    async def open(self, last_event_id: EventId | None) -> None:
        try:
            self._subscription = await self._bus.subscribe(self._user_id, self.offer)
            head = await self._bus.head(self._user_id)
            if last_event_id is None:
                self._last = head
            else:
                await self._replay_after(last_event_id, head)
        except Unavailable:
            self._degraded = True
            self._last = last_event_id
            self._ready.clear()
            head = None
        self._ready.appendleft(Ready(head.epoch if head else None, str(head) if head else None))

    async def _replay_after(self, after: EventId, head: EventId | None) -> None:
        try:
            events = await self._bus.replay(self._user_id, after)
        except ReplayImpossible as impossible:
            self._ready.append(Resync(impossible.reason))
            self._last = head
            return
        self._last = after
        for event in events:
            self._accept(event)

    def _accept(self, event: RealtimeEvent) -> None:
        last = self._last
        if last is not None and event.id.epoch == last.epoch and event.id.seq <= last.seq:
            return  # already delivered (replay/live overlap)
        if last is not None and event.id.epoch != last.epoch:
            self._ready.append(Resync(ResyncReason.EPOCH))  # the stream was lost meanwhile
        self._last = event.id
        self._ready.append(event)

    async def next(self, wait: float | None = None) -> Frame | None:
        """The next frame, or ``None`` after ``wait`` seconds without one (time to ping).

        Raises ``SlowConsumer`` once the connection has fallen too far behind.
        """
        while True:
            if self.dropped.is_set():
                raise SlowConsumer()
            if self._ready:
                return self._ready.popleft()
            if self._live:
                delivery = self._live.popleft()
                if isinstance(delivery, Interrupted):
                    await self._recover()
                else:
                    self._accept(delivery)
                continue
            self._wakeup.clear()
            try:
                # asyncio.timeout, not wait_for: no extra task per wait (one per event and per
                # heartbeat on each of up to 10,000 connections).
                async with asyncio.timeout(wait):
                    await self._wakeup.wait()
            except TimeoutError:
                if self._degraded:
                    await self._recover()  # each heartbeat: is the bus back?
                    if self._ready:
                        continue
                return None

    async def _recover(self) -> None:
        """Live delivery may have missed events: replay after the last id, or say ``resync``."""
        try:
            if self._subscription is None:
                self._subscription = await self._bus.subscribe(self._user_id, self.offer)
            head = await self._bus.head(self._user_id)
            if head is None:
                return
            if self._last is None:
                # No id: opened while the bus was away (what happened meanwhile is unknown), or
                # the stream did not exist when we connected (all of it is new to us).
                if self._degraded:
                    self._ready.append(Resync(ResyncReason.INTERRUPTED))
                    self._last = head
                else:
                    await self._replay_after(EventId(head.epoch, 0), head)
            else:
                await self._replay_after(self._last, head)
        except Unavailable:
            self._degraded = True  # asked again at the next Interrupted or heartbeat
            return
        self._degraded = False

    async def close(self) -> None:
        if self._subscription is not None:
            subscription, self._subscription = self._subscription, None
            await subscription.close()


@dataclass(frozen=True, eq=False)
class OpenStream:
    """Use case: a connected user's stream, resumed after ``last_event_id`` when given."""

    bus: RealtimeBus
    max_pending: int = MAX_PENDING

    async def __call__(self, user_id: str, last_event_id: EventId | None) -> EventStream:
        stream = EventStream(self.bus, user_id, self.max_pending)
        try:
            await stream.open(last_event_id)
        except BaseException:
            await stream.close()
            raise
        return stream
