"""Redis down: /healthz names it with a 503 while the API keeps serving from the database."""

from __future__ import annotations

import time
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.http.routes.system import HEALTH_TIMEOUT_SECONDS
from tests.conftest import bearer

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


async def test_health_names_the_failing_check_and_the_api_still_serves(
    test_settings, database_url, token
):
    settings = test_settings(database_url=database_url, redis_url=UNREACHABLE_REDIS)
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        started = time.monotonic()
        resp = await client.get("/healthz")
        elapsed = time.monotonic() - started
        assert resp.status == 503
        body = await resp.json()
        assert body["success"] is False
        assert body["error"]["code"] == "SERVICE_UNAVAILABLE"
        checks = body["error"]["details"]["checks"]
        assert checks["database"] == "ok"
        assert checks["redis"].startswith("error: ")
        # The probes run concurrently: one timeout at most, not one per failing check.
        assert elapsed < HEALTH_TIMEOUT_SECONDS * 2

        auth = bearer(token())
        update = await client.put("/api/v1/profile", json={"firstName": "Degraded"}, headers=auth)
        assert update.status == 200
        profile = await client.get("/api/v1/profile", headers=auth)
        assert profile.status == 200
        assert (await profile.json())["data"]["firstName"] == "Degraded"
    finally:
        await client.close()
