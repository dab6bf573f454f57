"""The realtime bus contract, on the in-process bus and on Redis (Streams + pub/sub)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as redis_asyncio

from adapters.realtime.memory import InProcessRealtimeBus
from adapters.realtime.redis_bus import PubSubHub, RedisRealtimeBus, pubsub_client
from application.realtime.ports import Interrupted
from application.realtime.stream import OpenStream, Ready, Resync
from domain.realtime.events import (
    HISTORY_SECONDS,
    NOTIFICATION_CREATED,
    EventId,
    RealtimeEvent,
    ReplayImpossible,
    ResyncReason,
)
from tests.fixtures.databases import REDIS_URL

TYPE = NOTIFICATION_CREATED


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def bus_and_clock(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, Clock]]:
    clock = Clock()
    if request.param == "memory":
        yield InProcessRealtimeBus(history=20, clock=clock), clock
        return
    client = redis_asyncio.Redis.from_url(REDIS_URL)
    prefix = f"rt-test-{uuid.uuid4().hex[:8]}"
    bus = RedisRealtimeBus(
        client, PubSubHub(lambda: pubsub_client(REDIS_URL)), prefix=prefix, history=20, clock=clock
    )
    try:
        yield bus, clock
    finally:
        await bus.close()
        async for key in client.scan_iter(match=f"{prefix}*"):
            await client.delete(key)
        await client.aclose()


def events(deliveries: list[Any]) -> list[RealtimeEvent]:
    return [d for d in deliveries if isinstance(d, RealtimeEvent)]


def user() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


async def publish_n(bus: Any, user_id: str, n: int) -> list[EventId]:
    await bus.head(user_id)  # the stream begins as a connection opens (ADR 0074)
    ids = []
    for i in range(n):
        ids.append(await bus.publish(user_id, TYPE, {"i": i}, source_id=uuid.uuid4().hex))
    return ids


async def test_ids_increase_and_live_delivery_keeps_order(bus_and_clock: Any) -> None:
    bus, _ = bus_and_clock
    uid, other = user(), user()
    got: list[Any] = []
    theirs: list[Any] = []
    sub = await bus.subscribe(uid, got.append)
    sub2 = await bus.subscribe(other, theirs.append)
    ids = await publish_n(bus, uid, 5)
    assert [i.seq for i in ids] == [1, 2, 3, 4, 5]
    assert len({i.epoch for i in ids}) == 1
    for _ in range(100):
        if len(events(got)) == 5:
            break
        await asyncio.sleep(0.02)
    # (On Redis the stream's beginning is announced first: an ``Interrupted``, ADR 0074.)
    assert [e.id for e in events(got)] == ids
    assert [e.data["i"] for e in events(got)] == [0, 1, 2, 3, 4]
    assert theirs == []  # another user's stream hears nothing
    await sub.close()
    await sub2.close()


async def test_same_source_is_published_once(bus_and_clock: Any) -> None:
    bus, _ = bus_and_clock
    uid = user()
    await bus.head(uid)
    first = await bus.publish(uid, TYPE, {}, source_id="m1")
    again = await bus.publish(uid, TYPE, {}, source_id="m1")
    assert first is not None and again is None
    assert await bus.head(uid) == first


async def test_replay_from_an_id_returns_the_rest_in_order(bus_and_clock: Any) -> None:
    bus, _ = bus_and_clock
    uid = user()
    ids = await publish_n(bus, uid, 6)
    replayed = await bus.replay(uid, ids[2])
    assert [e.id for e in replayed] == ids[3:]
    assert await bus.replay(uid, ids[-1]) == []


async def test_other_epoch_trimmed_expired_and_unknown_ids_need_resync(bus_and_clock: Any) -> None:
    bus, clock = bus_and_clock
    uid = user()
    ids = await publish_n(bus, uid, 250)  # history keeps ~20 (Redis trims whole nodes of 100)
    with pytest.raises(ReplayImpossible) as other_epoch:
        await bus.replay(uid, EventId("someoldepoch", 3))
    assert other_epoch.value.reason is ResyncReason.EPOCH
    with pytest.raises(ReplayImpossible) as trimmed:
        await bus.replay(uid, ids[0])
    assert trimmed.value.reason is ResyncReason.TRIMMED
    with pytest.raises(ReplayImpossible) as unknown:
        await bus.replay(uid, EventId(ids[0].epoch, 9999))
    assert unknown.value.reason is ResyncReason.UNKNOWN
    clock.now += HISTORY_SECONDS + 1
    with pytest.raises(ReplayImpossible) as expired:
        await bus.replay(uid, ids[-3])
    assert expired.value.reason is ResyncReason.EXPIRED


async def test_no_event_lost_or_doubled_across_the_subscribe_replay_race(
    bus_and_clock: Any,
) -> None:
    """Events are published continuously while a client resumes; it sees each once, in order."""
    bus, _ = bus_and_clock
    uid = user()
    ids = await publish_n(bus, uid, 3)

    async def produce() -> None:
        for _ in range(15):  # within the fixture's history of 20
            await bus.publish(uid, TYPE, {}, source_id=uuid.uuid4().hex)
            await asyncio.sleep(0)

    producer = asyncio.create_task(produce())
    await asyncio.sleep(0)
    stream = await OpenStream(bus)(uid, ids[0])
    await producer
    head = await bus.head(uid)
    seen: list[EventId] = []
    while True:
        frame = await stream.next(wait=1.0)
        assert frame is not None, f"stopped at {seen[-1] if seen else None}, head {head}"
        if isinstance(frame, Ready):
            continue
        assert isinstance(frame, RealtimeEvent)
        seen.append(frame.id)
        if frame.id == head:
            break
    await stream.close()
    assert [i.seq for i in seen] == list(range(2, head.seq + 1))


async def test_a_stream_resumed_from_a_lost_epoch_says_resync(bus_and_clock: Any) -> None:
    bus, _ = bus_and_clock
    uid = user()
    await publish_n(bus, uid, 2)
    stream = await OpenStream(bus)(uid, EventId("goneepoch", 7))
    frames = [await stream.next(wait=0.5), await stream.next(wait=0.5)]
    await stream.close()
    assert isinstance(frames[0], Ready)
    assert frames[1] == Resync(ResyncReason.EPOCH)


async def test_an_interruption_is_recovered_by_replay(bus_and_clock: Any) -> None:
    bus, _ = bus_and_clock
    uid = user()
    stream = await OpenStream(bus)(uid, None)
    assert isinstance(await stream.next(wait=0.5), Ready)
    await stream.close()  # live delivery stops: events are "missed"...
    ids = await publish_n(bus, uid, 3)
    stream.offer(Interrupted())  # ...and the interruption makes the stream replay them
    got = [await stream.next(wait=0.5) for _ in range(3)]
    assert [getattr(f, "id", None) for f in got] == ids


async def test_a_consumer_too_far_behind_is_dropped(bus_and_clock: Any) -> None:
    bus, _ = bus_and_clock
    uid = user()
    stream = await OpenStream(bus, max_pending=5)(uid, None)
    await publish_n(bus, uid, 10)
    await asyncio.wait_for(stream.dropped.wait(), 2)
    await stream.close()


async def test_an_event_never_enters_a_stream_that_began_after_it_was_raised(
    bus_and_clock: Any,
) -> None:
    """ADR 0074: a publication that finds no stream begins it empty; a stream drops the events
    raised before it began (its clients were told resync, which covers them)."""
    bus, clock = bus_and_clock
    now = clock.now if isinstance(bus, InProcessRealtimeBus) else time.time()
    uid = user()
    assert await bus.publish(uid, TYPE, {}, source_id="first", raised_at=now) is None
    head = await bus.head(uid)
    assert head is not None and head.seq == 0  # begun, empty
    assert await bus.publish(uid, TYPE, {}, source_id="old", raised_at=now - 60) is None
    fresh = await bus.publish(uid, TYPE, {}, source_id="new", raised_at=now + 1)
    assert fresh == EventId(head.epoch, 1)
    again = await bus.publish(uid, TYPE, {}, source_id="new", raised_at=now + 1)
    assert again is None  # the relay's repeat of a published source: nothing more
