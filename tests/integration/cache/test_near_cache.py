"""``NearCache`` (ADR 0060): live generation-checked entries served from each process's memory,
forgotten everywhere when invalidated — on an in-process broadcast and on real Redis pub/sub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.memory.cache import InMemoryCache
from adapters.near_cache import NearCache
from adapters.redis.cache import RedisCache, redis_client
from adapters.redis.cache_invalidations import RedisCacheInvalidations
from application.ports.cache import Cache
from application.versioned_cache import VersionedCache
from tests.fixtures.databases import REDIS_URL
from tests.fixtures.near_caches import Broadcast, eventually, redis_processes

KEY = "principal:user_1"


class CountingCache:
    """The shared cache, counting the reads that reach it; ``pause`` stalls the next one."""

    def __init__(self, inner: Cache) -> None:
        self.inner = inner
        self.reads = 0
        self.paused: asyncio.Event | None = None
        self.reached = asyncio.Event()

    async def get(self, key: str) -> bytes | None:
        return await self.inner.get(key)

    async def get_many(self, *keys: str) -> list[bytes | None]:
        self.reads += 1
        values = await self.inner.get_many(*keys)
        if self.paused is not None:
            self.reached.set()
            await self.paused.wait()
            self.paused = None
        return values

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        await self.inner.set(key, value, ttl_seconds)

    async def add(self, key: str, value: bytes, ttl_seconds: int) -> bool:
        return await self.inner.add(key, value, ttl_seconds)

    async def delete(self, *keys: str) -> None:
        await self.inner.delete(*keys)


async def filled(cache: Cache, value: bytes = b"v1") -> None:
    entries = VersionedCache(cache)
    read = await entries.read(KEY)
    await entries.fill(KEY, read, value, 300)


async def value_of(cache: Cache) -> bytes | None:
    return (await VersionedCache(cache).read(KEY)).value


@pytest.fixture(params=["broadcast", "redis"])
async def processes(request: pytest.FixtureRequest) -> AsyncIterator[list[NearCache]]:
    """Two processes' near caches over one shared cache."""
    if request.param == "broadcast":
        broadcast, shared = Broadcast(), InMemoryCache()
        yield [broadcast.process(shared), broadcast.process(shared)]
    else:
        async with redis_processes(2) as caches:
            yield caches


async def test_a_live_entry_is_read_from_memory_after_the_first_read() -> None:
    shared = CountingCache(InMemoryCache())
    near = Broadcast().process(shared)
    await filled(near)
    reads = shared.reads
    assert [await value_of(near) for _ in range(5)] == [b"v1"] * 5
    assert shared.reads == reads + 1  # one read kept the pair; the others were served here


async def test_an_invalidation_in_one_process_reaches_the_other(processes) -> None:
    api, worker = processes
    await filled(api)
    assert await value_of(api) == b"v1"  # now in api's memory

    await VersionedCache(worker).invalidate(KEY)

    async def gone() -> bool:
        return await value_of(api) is None

    await eventually(gone, seconds=1.0)
    await filled(api, b"v2")
    assert await value_of(api) == b"v2"
    assert await value_of(worker) == b"v2"


async def test_the_invalidating_process_reads_its_own_write_at_once() -> None:
    broadcast, shared = Broadcast(), InMemoryCache()
    near = broadcast.process(shared)
    await filled(near)
    assert await value_of(near) == b"v1"
    broadcast.hold()  # the broadcast is slow: this process must not depend on it

    await VersionedCache(near).invalidate(KEY)

    assert await value_of(near) is None


async def test_until_the_broadcast_arrives_another_process_may_serve_its_copy() -> None:
    """The stated tolerance: a process's copy lives until the broadcast reaches it, no longer."""
    broadcast, shared = Broadcast(), InMemoryCache()
    api, worker = broadcast.process(shared), broadcast.process(shared)
    await filled(api)
    assert await value_of(api) == b"v1"
    broadcast.hold()
    await VersionedCache(worker).invalidate(KEY)
    assert await value_of(api) == b"v1"  # the message is still on its way

    broadcast.deliver()

    assert await value_of(api) is None


async def test_a_read_in_flight_when_an_invalidation_arrives_is_not_kept() -> None:
    broadcast = Broadcast()
    shared = CountingCache(InMemoryCache())
    api, worker = broadcast.process(shared), broadcast.process(InMemoryCache())
    await filled(api)
    shared.paused = asyncio.Event()
    reading = asyncio.create_task(value_of(api))  # reads the old pair from the shared cache…
    await asyncio.wait_for(shared.reached.wait(), 5)
    await worker.delete(KEY)  # …while another process's invalidation is delivered
    shared.paused.set()
    assert await reading == b"v1"  # that request read before the invalidation

    await VersionedCache(shared).invalidate(KEY)
    assert await value_of(api) is None  # and the old pair was not kept in memory


async def test_misses_and_dead_entries_are_not_kept() -> None:
    shared = CountingCache(InMemoryCache())
    near = Broadcast().process(shared)
    assert await value_of(near) is None  # a miss
    assert await value_of(near) is None
    assert shared.reads == 2
    await filled(near)
    await VersionedCache(shared).invalidate(KEY)  # behind the near cache's back: entry dead
    await shared.set(KEY, b"stale-stamp|v0", 300)
    reads = shared.reads
    assert await value_of(near) is None
    assert await value_of(near) is None
    assert shared.reads == reads + 2


async def test_nothing_is_served_from_memory_without_a_live_subscription() -> None:
    shared = CountingCache(InMemoryCache())
    near = Broadcast().process(shared)
    await filled(near)
    await value_of(near)
    near.suspend()  # the subscription is lost: broadcasts may be missed
    reads = shared.reads
    await value_of(near)
    await value_of(near)
    assert shared.reads == reads + 2
    assert not near.serving


async def test_a_subscription_that_cannot_connect_never_serves_from_memory() -> None:
    client = redis_client(REDIS_URL)
    try:
        dead = RedisCacheInvalidations(
            client, lambda: redis_client("redis://127.0.0.1:1/0"), "test-dead-channel"
        )
        near = NearCache(RedisCache(client, prefix="test:dead:"), dead, 30)
        dead.listen(near)
        await asyncio.sleep(0.3)  # a few failed attempts
        assert not near.serving
        await dead.close()
    finally:
        await client.aclose()


async def test_entries_leave_memory_after_the_ttl() -> None:
    now = [1000.0]
    shared = CountingCache(InMemoryCache())
    broadcast = Broadcast()
    near = NearCache(shared, broadcast, 5.0, clock=lambda: now[0])
    near.resume()
    await filled(near)
    await value_of(near)
    reads = shared.reads
    await value_of(near)
    assert shared.reads == reads
    now[0] += 5.1
    await value_of(near)
    assert shared.reads == reads + 1


async def test_plain_keys_are_never_kept() -> None:
    shared = CountingCache(InMemoryCache())
    near = Broadcast().process(shared)
    await near.set("plain", b"1", 60)
    assert await near.get_many("plain", "other") == [b"1", None]
    assert await near.get_many("plain", "other") == [b"1", None]
    assert shared.reads == 2


async def test_the_memory_stays_bounded() -> None:
    shared = InMemoryCache()
    near = NearCache(shared, Broadcast(), 30, max_entries=10)
    near.resume()
    for n in range(25):
        entries = VersionedCache(near)
        key = f"k{n}"
        await entries.fill(key, await entries.read(key), b"v", 300)
        await entries.read(key)
    assert len(near._pairs) <= 10
