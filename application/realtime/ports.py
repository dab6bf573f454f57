"""Ports of the realtime context: the per-user event bus and the connection tickets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from domain.realtime.events import EventId, RealtimeEvent


@dataclass(frozen=True)
class Interrupted:
    """Told to a subscriber when live delivery may have missed events (the bus reconnected):
    the subscriber replays from its last id."""


Delivery = RealtimeEvent | Interrupted
#: Called on the subscriber's event loop, never blocks (it only queues).
Sink = Callable[[Delivery], None]


class Subscription(Protocol):
    async def close(self) -> None: ...


class RealtimeBus(Protocol):
    """One ordered, replayable stream of events per user, delivered live to its subscribers.

    ``publish`` gives the event the next id of the user's stream, or ``None`` when it is not
    published: ``source_id`` already was (outbox redeliveries publish once), or the stream began
    after ``raised_at`` (when the event's commit returned, or a lower bound of it), or the stream
    is missing: it is then begun, empty (ADR 0074: the clients of a stream that began after the
    event refetch, which covers it; a user with no stream has no connection to tell).
    ``replay`` returns every event after an id in order, or raises ``ReplayImpossible``. ``head``
    is the stream's last id, the stream begun (empty) when it was missing.
    """

    async def publish(
        self,
        user_id: str,
        type_: str,
        data: Mapping[str, Any],
        *,
        source_id: str,
        raised_at: float | None = None,
    ) -> EventId | None: ...

    async def subscribe(self, user_id: str, sink: Sink) -> Subscription: ...

    async def head(self, user_id: str) -> EventId | None: ...

    async def replay(self, user_id: str, after: EventId) -> list[RealtimeEvent]: ...

    async def close(self) -> None: ...


class TicketStore(Protocol):
    """Single-use, short-lived tickets that stand for a signed-in user on any instance."""

    async def issue(self, user_id: str, ttl_seconds: int) -> str: ...

    async def redeem(self, ticket: str) -> str | None:
        """The ticket's user id, once; ``None`` when unknown, used or expired."""
        ...
