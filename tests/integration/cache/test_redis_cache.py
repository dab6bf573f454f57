"""The Redis cache adapter on real Redis, and its behaviour when Redis is unreachable."""

from __future__ import annotations

import uuid

from adapters.redis.cache import RedisCache, redis_client


async def test_set_get_delete_and_ttl(redis_url):
    client = redis_client(redis_url)
    cache = RedisCache(client, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        await cache.set("k", b"v", 60)
        assert await cache.get("k") == b"v"
        assert 0 < await client.ttl(f"{cache._prefix}k") <= 60
        await cache.delete("k")
        assert await cache.get("k") is None
    finally:
        await client.aclose()


async def test_outage_degrades_to_misses():
    client = redis_client("redis://127.0.0.1:1/0")  # nothing listens there
    cache = RedisCache(client)
    try:
        assert await cache.get("k") is None
        await cache.set("k", b"v", 60)  # swallowed, logged
        await cache.delete("k")
    finally:
        await client.aclose()
