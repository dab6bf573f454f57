"""Rate limits through the real app: headers on every limited response, 429 past the limit,
per caller, on the in-memory store and on Redis; an unreachable store degrades to per-process
limits (ADR 0091)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.observability import RATE_LIMIT_DEGRADED
from tests.conftest import bearer


@pytest.fixture(params=["memory", "redis"])
async def limited_client(request, test_settings, sqlite_url, redis_url):
    settings = test_settings(
        database_url=sqlite_url,
        rate_limit_default="3/minute",
        redis_url=redis_url if request.param == "redis" else None,
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def test_the_fourth_call_in_a_window_is_refused_with_retry_after(limited_client, token):
    auth = bearer(token())
    remaining = []
    for _ in range(3):
        resp = await limited_client.get("/api/v1/settings", headers=auth)
        assert resp.status == 200
        assert resp.headers["X-RateLimit-Limit"] == "3"
        assert int(resp.headers["X-RateLimit-Reset"]) >= int(time.time())
        remaining.append(int(resp.headers["X-RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]

    refused = await limited_client.get("/api/v1/settings", headers=auth)
    assert refused.status == 429
    body = await refused.json()
    assert body["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert body["error"]["details"]["retryAfter"] == int(refused.headers["Retry-After"])
    assert refused.headers["X-RateLimit-Remaining"] == "0"


async def test_each_caller_has_its_own_window(limited_client, token):
    first, second = bearer(token()), bearer(token())
    for _ in range(3):
        assert (await limited_client.get("/api/v1/settings", headers=first)).status == 200
    assert (await limited_client.get("/api/v1/settings", headers=first)).status == 429
    assert (await limited_client.get("/api/v1/settings", headers=second)).status == 200


async def test_an_unreachable_limiter_store_degrades_to_per_process_limits(
    test_settings, sqlite_url, token
):
    settings = test_settings(
        database_url=sqlite_url,
        rate_limit_default="2/minute",
        # Nothing listens on port 1: the cache degrades to misses, the limiter counts in-process.
        redis_url="redis://127.0.0.1:1/0",
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    degraded_before = RATE_LIMIT_DEGRADED._value.get()
    try:
        auth = bearer(token())
        for remaining in ("1", "0"):
            resp = await client.get("/api/v1/settings", headers=auth)
            assert resp.status == 200
            assert resp.headers["X-RateLimit-Remaining"] == remaining
        refused = await client.get("/api/v1/settings", headers=auth)
        assert refused.status == 429
        assert "Retry-After" in refused.headers
        assert RATE_LIMIT_DEGRADED._value.get() - degraded_before >= 3
    finally:
        await client.close()
