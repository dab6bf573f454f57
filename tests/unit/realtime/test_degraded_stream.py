"""A stream opened while the bus's store is away (ADR 0076): ``ready`` without a head, pings, and
once the store answers again a replay after the client's id, or ``resync`` when it had none."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.realtime.memory import InProcessRealtimeBus
from application.realtime.ports import Interrupted, Sink, Subscription
from application.realtime.stream import OpenStream, Ready, Resync
from domain.realtime.events import (
    NOTIFICATION_CREATED,
    EventId,
    RealtimeEvent,
    RealtimeUnavailable,
    ResyncReason,
)


class Flaky:
    """The in-process bus behind a switch: ``down`` makes every store operation unavailable."""

    def __init__(self) -> None:
        self.bus = InProcessRealtimeBus()
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise RealtimeUnavailable("store away")

    async def publish(
        self, user_id: str, type_: str, data: Mapping[str, Any], **kw: Any
    ) -> EventId | None:
        self._check()
        return await self.bus.publish(user_id, type_, data, **kw)

    async def subscribe(self, user_id: str, sink: Sink) -> Subscription:
        self._check()
        return await self.bus.subscribe(user_id, sink)

    async def head(self, user_id: str) -> EventId | None:
        self._check()
        return await self.bus.head(user_id)

    async def replay(self, user_id: str, after: EventId) -> list[RealtimeEvent]:
        self._check()
        return await self.bus.replay(user_id, after)

    async def close(self) -> None:
        return None


async def test_opened_while_away_it_pings_then_resyncs_and_carries_live_events() -> None:
    flaky = Flaky()
    flaky.down = True
    stream = await OpenStream(flaky)("alice", None)  # type: ignore[arg-type]
    assert await stream.next(wait=0.01) == Ready(None, None)
    assert await stream.next(wait=0.01) is None  # a heartbeat: still away, still connected
    assert stream.degraded

    flaky.down = False
    stream.offer(Interrupted())  # the hub is back
    assert await stream.next(wait=0.01) == Resync(ResyncReason.INTERRUPTED)
    assert not stream.degraded
    await flaky.publish("alice", NOTIFICATION_CREATED, {"n": 1}, source_id="m1")
    frame = await stream.next(wait=0.5)
    assert isinstance(frame, RealtimeEvent) and frame.data == {"n": 1}
    await stream.close()


async def test_resumed_while_away_it_replays_what_it_missed_at_a_heartbeat() -> None:
    flaky = Flaky()
    await flaky.head("bob")
    first = await flaky.publish("bob", NOTIFICATION_CREATED, {"n": 1}, source_id="m1")
    assert first is not None
    flaky.down = True
    stream = await OpenStream(flaky)("bob", first)  # type: ignore[arg-type]
    assert await stream.next(wait=0.01) == Ready(None, None)
    assert await stream.next(wait=0.01) is None
    flaky.down = False
    second = await flaky.publish("bob", NOTIFICATION_CREATED, {"n": 2}, source_id="m2")
    # No Interrupted (the store was away, not the pub/sub): the next heartbeat asks again.
    frame = await stream.next(wait=0.01)
    assert isinstance(frame, RealtimeEvent) and frame.id == second
    await stream.close()
