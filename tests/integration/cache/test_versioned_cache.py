"""``VersionedCache`` and the two cache primitives it needs (``get_many``, ``add``) on the memory
cache and on real Redis, and with Redis unreachable."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from adapters.memory.cache import InMemoryCache
from adapters.redis.cache import RedisCache, redis_client
from application.ports.cache import Cache
from application.versioned_cache import VersionedCache, generation_key
from tests.fixtures.databases import REDIS_URL


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield InMemoryCache()
        return
    client = redis_client(REDIS_URL)
    await client.ping()
    try:
        yield RedisCache(client, prefix=f"test:{uuid.uuid4().hex}:")
    finally:
        await client.aclose()


async def test_get_many_and_add(cache):
    await cache.set("a", b"1", 60)
    assert await cache.get_many("a", "missing", "a") == [b"1", None, b"1"]
    assert await cache.add("a", b"2", 60) is False
    assert await cache.get("a") == b"1"
    assert await cache.add("b", b"2", 60) is True
    assert await cache.get("b") == b"2"


async def test_a_fill_hits_until_the_key_is_invalidated(cache):
    entries = VersionedCache(cache)
    first = await entries.read("k")
    assert first.value is None and first.generation is not None
    await entries.fill("k", first, b"v1", 60)
    assert (await entries.read("k")).value == b"v1"

    await entries.invalidate("k")

    assert (await entries.read("k")).value is None


async def test_a_fill_that_read_before_an_invalidation_is_dead_on_arrival(cache):
    entries = VersionedCache(cache)
    early = await entries.read("k")  # a request reads the generation, then the database…
    await entries.invalidate("k")  # …a write commits and invalidates…
    await entries.fill("k", early, b"stale", 60)  # …and the request stores what it read.

    later = await entries.read("k")
    assert later.value is None
    await entries.fill("k", later, b"fresh", 60)
    assert (await entries.read("k")).value == b"fresh"


async def test_losing_the_generation_only_ever_invalidates(cache):
    entries = VersionedCache(cache)
    read = await entries.read("k")
    await entries.fill("k", read, b"v1", 60)
    await cache.delete(generation_key("k"))  # evicted, expired, or Redis restarted

    assert (await entries.read("k")).value is None
    await cache.delete(generation_key("k"))
    await entries.fill("k", read, b"late", 60)  # an old reader stamping the lost generation
    assert (await entries.read("k")).value is None


async def test_entries_without_a_valid_stamp_are_misses(cache):
    entries = VersionedCache(cache)
    read = await entries.read("k")
    await cache.set("k", b"no stamp at all", 60)
    assert (await entries.read("k")).value is None
    await cache.set("k", b"0123456789abcdef|forged", 60)
    assert (await entries.read("k")).value is None
    assert read.generation is not None


async def test_with_redis_down_nothing_is_filled_and_nothing_raises():
    client = redis_client("redis://127.0.0.1:1/0")  # nothing listens there
    cache = RedisCache(client)
    entries = VersionedCache(cache)
    try:
        assert await cache.get_many("a", "b") == [None, None]
        assert await cache.add("a", b"1", 60) is False
        read = await entries.read("k")
        assert (read.value, read.generation) == (None, None)
        await entries.fill("k", read, b"v", 60)
        await entries.invalidate("k")
    finally:
        await client.aclose()
