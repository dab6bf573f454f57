"""The embedded default: an in-process realtime bus and ticket store.

Publishers may run on another thread's event loop (the in-process job worker), so state is behind
a lock and each subscriber is called on its own loop.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from application.realtime.ports import Delivery, Sink
from domain.realtime.events import (
    HISTORY_EVENTS,
    EventId,
    RealtimeEvent,
    replay_window,
)

#: Source ids remembered per user so an outbox redelivery is published once.
REMEMBERED_SOURCES = 4096


@dataclass
class _Subscriber:
    sink: Sink
    loop: asyncio.AbstractEventLoop


class _UserStream:
    def __init__(self, history: int, since: float) -> None:
        self.epoch = uuid.uuid4().hex[:12]
        self.since = since  # when this stream began (ADR 0074)
        self.seq = 0
        self.events: collections.deque[RealtimeEvent] = collections.deque(maxlen=history)
        self.sources: collections.OrderedDict[str, None] = collections.OrderedDict()
        self.subscribers: list[_Subscriber] = []


class _Unsubscribe:
    def __init__(self, release: Callable[[], None]) -> None:
        self._release: Callable[[], None] | None = release

    async def close(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            release()


class InProcessRealtimeBus:
    def __init__(
        self, history: int = HISTORY_EVENTS, clock: Callable[[], float] = time.time
    ) -> None:
        self._history = history
        self._clock = clock
        self._lock = threading.Lock()
        self._streams: dict[str, _UserStream] = {}

    def _stream(self, user_id: str) -> _UserStream:
        stream = self._streams.get(user_id)
        if stream is None:
            stream = self._streams[user_id] = _UserStream(self._history, self._clock())
        return stream

    async def publish(
        self,
        user_id: str,
        type_: str,
        data: Mapping[str, Any],
        *,
        source_id: str,
        raised_at: float | None = None,
    ) -> EventId | None:
        with self._lock:
            stream = self._streams.get(user_id)
            if stream is None:  # nobody subscribed or asked: begun empty (ADR 0074)
                self._streams[user_id] = _UserStream(self._history, self._clock())
                return None
            if raised_at is not None and stream.since > raised_at:
                return None  # the stream began after the event (ADR 0074)
            if source_id in stream.sources:
                return None
            stream.sources[source_id] = None
            if len(stream.sources) > REMEMBERED_SOURCES:
                stream.sources.popitem(last=False)
            stream.seq += 1
            event = RealtimeEvent(
                EventId(stream.epoch, stream.seq), type_, dict(data), self._clock()
            )
            stream.events.append(event)
            subscribers = list(stream.subscribers)
        for subscriber in subscribers:  # in publish order: the lock above ordered the seqs
            _deliver(subscriber, event)
        return event.id

    async def subscribe(self, user_id: str, sink: Sink) -> _Unsubscribe:
        subscriber = _Subscriber(sink, asyncio.get_running_loop())
        with self._lock:
            self._stream(user_id).subscribers.append(subscriber)

        def release() -> None:
            with self._lock:
                stream = self._streams.get(user_id)
                if stream is not None and subscriber in stream.subscribers:
                    stream.subscribers.remove(subscriber)

        return _Unsubscribe(release)

    async def head(self, user_id: str) -> EventId | None:
        with self._lock:
            stream = self._stream(user_id)
            return EventId(stream.epoch, stream.seq)

    async def replay(self, user_id: str, after: EventId) -> list[RealtimeEvent]:
        with self._lock:
            stream = self._stream(user_id)
            head = EventId(stream.epoch, stream.seq)
            events = [e for e in stream.events if e.id.seq > after.seq]
            oldest = stream.events[0].id if stream.events else None
        first_at = events[0].at if events else None
        replay_window(after, head, oldest, first_at, self._clock())
        return events

    async def close(self) -> None:
        return None

    def trim(self, user_id: str, keep: int) -> None:
        """Drop all but the newest ``keep`` events (tests: a trimmed history)."""
        with self._lock:
            events = self._stream(user_id).events
            while len(events) > keep:
                events.popleft()


def _deliver(subscriber: _Subscriber, delivery: Delivery) -> None:
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is subscriber.loop:
        subscriber.sink(delivery)
    elif not subscriber.loop.is_closed():
        subscriber.loop.call_soon_threadsafe(subscriber.sink, delivery)
