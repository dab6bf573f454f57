"""A stream has begun answering: REQUEST_TIMEOUT_SECONDS bounds requests, not live streams
(they keep their own heartbeats and limits). Found when both landed: SSE was cut at 60 s."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer
from tests.e2e.realtime.test_realtime_routes import open_sse


async def test_an_sse_stream_outlives_the_request_timeout(
    test_settings: Callable[..., Settings], database_url: str, token: Callable[..., str]
) -> None:
    settings = test_settings(
        database_url=database_url, request_timeout_seconds=1.0, realtime_heartbeat_seconds=0.3
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        t = token()
        assert (await client.get("/api/v1/profile", headers=bearer(t))).status == 200
        stream = await open_sse(client, t)
        assert (await stream.event())["event"] == "ready"
        await asyncio.sleep(2.5)  # well past the request deadline
        profile = await client.get("/api/v1/profile", headers=bearer(t))
        assert profile.status == 200
        await stream.frame(5.0)  # the stream still delivers (a ping or an event), not closed
    finally:
        await client.close()
