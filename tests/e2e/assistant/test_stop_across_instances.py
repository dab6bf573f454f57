"""Stop sent to one instance cancels the generation running on another (Redis pub/sub)."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.containers.root import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer
from tests.fixtures.fake_gemini import API_KEY, FakeGemini, Reply

JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def fake_gemini():
    fake = FakeGemini()
    await fake.start()
    yield fake
    await fake.stop()


async def test_stop_on_another_instance(test_settings, pg_url, redis_url, fake_gemini, token):
    settings = test_settings(
        database_url=pg_url,
        redis_url=redis_url,
        gemini_api_key=API_KEY,
        gemini_base_url=fake_gemini.url,
    )
    containers = [Container(config=settings), Container(config=settings)]
    a, b = (TestClient(TestServer(create_app(c))) for c in containers)
    await a.start_server()
    await b.start_server()
    try:
        t = token()
        fake_gemini.script.append(Reply(chunks=[f"w{i} " for i in range(300)], chunk_delay=0.02))
        resp = await a.post(
            "/api/v1/ai/stream", headers={**bearer(t), **JSON}, json={"message": "long story"}
        )
        got, stopped = [], None
        async for line in resp.content:
            line = line.decode().strip()
            if not line.startswith("data: "):
                continue
            got.append(json.loads(line[6:]))
            if len(got) == 4 and stopped is None:
                cid = got[0]["conversationId"]
                stop = await b.post(
                    f"/api/v1/ai/conversations/{cid}/stop", headers={**bearer(t), **JSON}
                )
                stopped = (await stop.json())["data"]["stopped"]
        assert stopped is True
        assert got[-1]["type"] == "complete" and got[-1]["status"] == "aborted"
        detail = await (await b.get(f"/api/v1/ai/conversations/{cid}", headers=bearer(t))).json()
        assert detail["data"]["messages"][-1]["status"] == "aborted"
    finally:
        for c in containers:
            await c.assistant.generations().drain()
        await a.close()
        await b.close()
    await asyncio.sleep(0)
