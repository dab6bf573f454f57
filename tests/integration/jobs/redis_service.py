"""Access to the local Redis for integration tests: skipped when absent, except in CI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required in CI and is not reachable at {REDIS_TEST_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_TEST_URL}")
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
