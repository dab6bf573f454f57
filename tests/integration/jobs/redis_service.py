"""The local Redis for job tests: required (like the rest of the suite), one namespace per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import redis

from tests.fixtures.databases import REDIS_URL as REDIS_TEST_URL


def require_redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        raise RuntimeError(
            f"Redis is required for the test suite at {REDIS_TEST_URL}: {exc}"
        ) from exc
    return client


def unique_namespace() -> Iterator[str]:
    """A key prefix no other test run uses; its keys are deleted afterwards."""
    client = require_redis()
    namespace = f"fairarena-test-{uuid.uuid4().hex[:12]}"
    try:
        yield namespace
    finally:
        for key in client.scan_iter(match=f"{namespace}*", count=500):
            client.delete(key)
        client.close()
