"""The Redis cache adapter on real Redis, and its behaviour when Redis is unreachable."""

from __future__ import annotations

import asyncio
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


async def test_a_burst_of_commands_shares_a_bounded_pool(redis_url):
    """500 concurrent commands on a pool of 3: all answered, never more than 3 connections."""
    client = redis_client(redis_url, max_connections=3, pool_timeout=10)
    key = f"test:{uuid.uuid4().hex}"
    try:
        await client.set(key, b"v", ex=60)
        answers = await asyncio.gather(*(client.get(key) for _ in range(500)))
        assert answers == [b"v"] * 500
        pool = client.connection_pool
        opened = len(pool._available_connections) + len(pool._in_use_connections)
        assert 1 <= opened <= 3
    finally:
        await client.aclose()


async def test_waiting_longer_than_the_pool_timeout_fails_like_an_outage(redis_url):
    client = redis_client(redis_url, max_connections=1, pool_timeout=0.2)
    cache = RedisCache(client)
    try:
        held = await client.connection_pool.get_connection("GET")
        assert await cache.get("k") is None  # no connection within 0.2 s: a miss, logged
        await client.connection_pool.release(held)
        await cache.set("k", b"v", 60)
        assert await cache.get("k") == b"v"
    finally:
        await client.aclose()
