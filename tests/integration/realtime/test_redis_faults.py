"""Realtime under Redis faults, on real processes, PostgreSQL and a private redis-server.

- Redis loses its data between an event's publication at commit and the relay's (the outbox
  worker is started only after the wipe): the client is told ``resync`` and sees the event once
  (ADR 0074).
- Redis down: tickets are issued and redeemed, SSE and WebSocket connections open (``ready``,
  heartbeats), nothing answers 5xx; when Redis is back the client is told ``resync`` and live
  events flow again (ADR 0075, 0076).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
import redis

from tests.conftest import DEV_SECRET, bearer
from tests.fixtures.private_servers import PrivateRedis, free_port
from tests.integration.realtime.test_two_processes import (
    Process,
    Stream,
    _grant,
    _until_every_job_ran,
    _until_up,
)


class Cluster:
    def __init__(self, pg_url: str, redis_url: str, tmp_path: Path) -> None:
        self.env = {
            **os.environ,
            "ENV": "test",
            "DATABASE_URL": pg_url,
            "REDIS_URL": redis_url,
            "DEV_AUTH_SECRET": DEV_SECRET,
            "VAR_DIR": str(tmp_path / "var"),
            "BROKER_NAMESPACE": f"rtf-{uuid.uuid4().hex[:8]}",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_DEFAULT": "10000/minute",
            "REALTIME_HEARTBEAT_SECONDS": "1",
            "DB_POOL_SIZE": "4",
            "DB_MAX_OVERFLOW": "4",
        }
        self.tmp_path = tmp_path
        self.processes: list[Process] = []

    async def serve(self) -> str:
        port = free_port()
        self.processes.append(
            Process(["serve", "--port", str(port)], self.env, self.tmp_path / f"{port}.log")
        )
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            await _until_up(http, url)
        return url

    def work(self) -> None:
        self.processes.append(
            Process(["worker", "--threads", "2"], self.env, self.tmp_path / "worker.log")
        )

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


@pytest.fixture
def cluster(pg_url: str, private_redis: PrivateRedis, tmp_path: Path) -> Iterator[Cluster]:
    running = Cluster(pg_url, private_redis.url, tmp_path)
    try:
        yield running
    finally:
        running.stop()


async def _user_id(http: aiohttp.ClientSession, url: str, user_token: str) -> str:
    async with http.get(f"{url}/api/v1/profile", headers=bearer(user_token)) as response:
        assert response.status == 200, await response.text()
        profile = (await response.json())["data"]
    return str(profile.get("userId") or profile["id"])


async def _every_event(stream: Stream, until: Any, timeout: float = 30.0) -> list[tuple[str, Any]]:
    """Every event the stream says, up to and including the first for which ``until`` holds."""
    seen: list[tuple[str, Any]] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while not seen or not until(*seen[-1]):
        left = max(0.1, deadline - asyncio.get_running_loop().time())
        seen.append(await stream.event(left))
    return seen


async def test_a_wipe_between_the_publication_at_commit_and_the_relays_doubles_nothing(
    cluster: Cluster, private_redis: PrivateRedis, token: Any, pg_url: str
) -> None:
    a, b = await cluster.serve(), await cluster.serve()  # no worker yet: the relay waits
    alice, admin = token(), token(admin=True)
    async with aiohttp.ClientSession() as http:
        alice_id = await _user_id(http, b, alice)
        async with http.get(f"{b}/api/v1/notifications/stream", headers=bearer(alice)) as sse:
            assert sse.status == 200
            stream = Stream(sse)
            assert (await stream.event())[0] == "ready"
            await _grant(http, a, admin, alice_id, "gap-1")
            said = await _every_event(stream, lambda kind, _: kind == "credits.balance_changed")
            assert said[-1][1]["balance"] == 100  # published by A at its commit

            # Redis loses everything; only then does the relay deliver the outbox rows (the
            # grant's event among them) and publish them again.
            with redis.Redis.from_url(private_redis.url) as wipe:
                wipe.flushall()
            cluster.work()
            await _until_every_job_ran(pg_url)
            await _grant(http, a, admin, alice_id, "gap-2")
            said += await _every_event(
                stream,
                lambda kind, data: kind == "credits.balance_changed" and data["balance"] == 200,
            )

    kinds = [kind for kind, _ in said]
    assert "resync" in kinds, said  # the relay's repeat began a new stream: clients refetch
    assert said[kinds.index("resync")] == ("resync", {"reason": "epoch"})
    balances = [data["balance"] for kind, data in said if kind == "credits.balance_changed"]
    assert balances == [100, 200], said  # the first grant's event is not delivered again
    frames = [orjson.dumps([kind, data], option=orjson.OPT_SORT_KEYS) for kind, data in said]
    assert len(frames) == len(set(frames)), said  # no event at all reached the client twice


async def test_with_redis_down_the_realtime_routes_answer_and_resync_when_it_is_back(
    cluster: Cluster, private_redis: PrivateRedis, token: Any
) -> None:
    api = await cluster.serve()
    alice, admin = token(), token(admin=True)
    async with aiohttp.ClientSession() as http:
        alice_id = await _user_id(http, api, alice)
        private_redis.stop()

        async with http.post(f"{api}/api/v1/realtime/ticket", headers=bearer(alice)) as response:
            assert response.status == 201, await response.text()
            ticket = (await response.json())["data"]["ticket"]
        async with http.ws_connect(f"{api}/api/v1/notifications/ws?ticket={ticket}") as ws:
            ready = orjson.loads((await ws.receive(timeout=10)).data)
            assert ready == {"type": "ready", "data": {"epoch": None, "lastEventId": None}}
        async with http.post(f"{api}/api/v1/realtime/ticket", headers=bearer(alice)) as response:
            assert response.status == 201, await response.text()
            ticket = (await response.json())["data"]["ticket"]
        async with http.get(f"{api}/api/v1/notifications/stream?ticket={ticket}") as sse:
            assert sse.status == 200
            stream = Stream(sse)
            assert await stream.event() == ("ready", {"epoch": None, "lastEventId": None})
            with pytest.raises(TimeoutError):
                await stream.event(timeout=2.5)  # nothing to say, but the stream is alive:
            assert stream.pings >= 1  # heartbeats every second

            private_redis.start()
            assert await stream.event(timeout=20) == ("resync", {"reason": "interrupted"})
            for attempt in range(40):  # until the API's pooled Redis connections are back too
                try:
                    await _grant(http, api, admin, alice_id, f"down-{attempt}")
                    break
                except AssertionError:
                    await asyncio.sleep(0.5)
            _, data = await stream.next_of("credits.balance_changed")
            assert data["balance"] == 100
