"""The process's one pub/sub connection comes back after Redis was away for longer than its
first reconnect attempts: every channel is subscribed again and every subscriber is told
``Interrupted`` (it then replays), including a user who connected while Redis was away."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from adapters.realtime.redis_bus import PubSubHub, RedisRealtimeBus, pubsub_client
from adapters.redis.cache import redis_client
from application.realtime.ports import Delivery, Interrupted
from domain.realtime.events import BALANCE_CHANGED, EventId, RealtimeEvent, RealtimeUnavailable
from tests.fixtures.private_servers import PrivateRedis


async def until(check: object, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


async def test_subscriptions_survive_a_long_outage(private_redis: PrivateRedis) -> None:
    client = redis_client(private_redis.url)
    hub = PubSubHub(lambda: pubsub_client(private_redis.url))
    bus = RedisRealtimeBus(client, hub, prefix=f"hub-{uuid.uuid4().hex[:6]}")
    seen: list[Delivery] = []
    try:
        await bus.subscribe("alice", seen.append)
        await bus.head("alice")  # the stream begins as a connection opens
        await bus.publish("alice", BALANCE_CHANGED, {"n": 1}, source_id="s1")
        await until(lambda: any(isinstance(d, RealtimeEvent) for d in seen))
        before = len(seen)  # the event, after the stream's beginning (an Interrupted)

        private_redis.stop()
        await asyncio.sleep(2.0)  # longer than the first reconnect delays: attempts fail
        private_redis.start()
        await until(lambda: any(isinstance(d, Interrupted) for d in seen[before:]))

        for _attempt in range(50):  # the API client's pooled connections come back too
            try:
                await bus.head("alice")  # as a told stream re-reads it: begun again, empty
                await bus.publish("alice", BALANCE_CHANGED, {"n": 2}, source_id="s2")
                break
            except RealtimeUnavailable:
                await asyncio.sleep(0.1)
        await until(lambda: [d.data["n"] for d in seen if isinstance(d, RealtimeEvent)] == [1, 2])
        assert hub.reconnects == 1
    finally:
        await bus.close()
        await client.aclose()


async def test_redis_away_is_a_503_kind_of_error_for_the_store_but_subscribers_wait() -> None:
    """With Redis unreachable, the bus's store operations raise ``RealtimeUnavailable`` (a
    transient failure for the relay's job, never a 500); a subscription is kept (the hub
    reconnects in the background), so a stream can stay open through the outage (ADR 0076)."""
    nowhere = "redis://127.0.0.1:1/0"
    client = redis_client(nowhere, pool_timeout=0.5)
    hub = PubSubHub(lambda: pubsub_client(nowhere))
    bus = RedisRealtimeBus(client, hub)
    try:
        for attempt in (
            bus.head("alice"),
            bus.publish("alice", BALANCE_CHANGED, {}, source_id="s"),
            bus.replay("alice", EventId("e", 1)),
        ):
            with pytest.raises(RealtimeUnavailable) as raised:
                await attempt
            assert (raised.value.status, raised.value.code) == (503, "SERVICE_UNAVAILABLE")
            assert raised.value.headers() == {"Retry-After": "5"}
        subscription = await bus.subscribe("alice", lambda delivery: None)
        assert hub.channels() == 1
        await subscription.close()
        assert hub.channels() == 0
    finally:
        await bus.close()
        await client.aclose()
