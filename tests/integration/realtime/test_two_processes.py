"""Two API processes on one PostgreSQL and a private redis-server, plus the worker (the relay).

An event raised through process A reaches a client connected to process B; Redis restarted
(without its data) mid-stream: B's one pub/sub connection comes back, and the client is told to
``resync`` (the stream was lost) before the next events arrive under the new epoch.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
import sqlalchemy as sa

from adapters.sqlalchemy.engine import build_engine
from tests.conftest import DEV_SECRET, bearer
from tests.fixtures.private_servers import PrivateRedis, free_port
from tests.integration.jobs.test_scheduler_processes import ROOT


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli.main", *args],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture
async def cluster(
    pg_url: str, private_redis: PrivateRedis, tmp_path: Path
) -> AsyncIterator[tuple[str, str]]:
    env = {
        **os.environ,
        "ENV": "test",
        "DATABASE_URL": pg_url,
        "REDIS_URL": private_redis.url,
        "DEV_AUTH_SECRET": DEV_SECRET,
        "VAR_DIR": str(tmp_path / "var"),
        "BROKER_NAMESPACE": f"rt-{uuid.uuid4().hex[:8]}",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_DEFAULT": "10000/minute",
        "REALTIME_HEARTBEAT_SECONDS": "1",
        "DB_POOL_SIZE": "4",
        "DB_MAX_OVERFLOW": "4",
    }
    a, b = free_port(), free_port()
    processes = [
        Process(["serve", "--port", str(a)], env, tmp_path / "a.log"),
        Process(["serve", "--port", str(b)], env, tmp_path / "b.log"),
        Process(["worker", "--threads", "2"], env, tmp_path / "worker.log"),
    ]
    try:
        urls = (f"http://127.0.0.1:{a}", f"http://127.0.0.1:{b}")
        async with aiohttp.ClientSession() as http:
            for url in urls:
                await _until_up(http, url)
        yield urls
    finally:
        for process in processes:
            process.stop()


async def _until_up(http: aiohttp.ClientSession, url: str, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            async with http.get(f"{url}/healthz") as response:
                if response.status < 500:
                    return
        except aiohttp.ClientError:
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{url} did not come up")
        await asyncio.sleep(0.2)


class Stream:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.buffer = b""
        self.last_id: str | None = None
        self.pings = 0

    async def event(self, timeout: float = 20.0) -> tuple[str, Any]:
        async def read() -> tuple[str, Any]:
            while True:
                while b"\n\n" not in self.buffer:
                    chunk = await self.response.content.readany()
                    if not chunk:
                        raise EOFError("stream ended")
                    self.buffer += chunk
                raw, self.buffer = self.buffer.split(b"\n\n", 1)
                if raw.startswith(b": ping"):
                    self.pings += 1
                fields = {
                    line.partition(":")[0]: line.partition(":")[2].strip()
                    for line in raw.decode().split("\n")
                }
                if "id" in fields:
                    self.last_id = fields["id"]
                if "event" in fields:
                    return fields["event"], orjson.loads(fields["data"])

        return await asyncio.wait_for(read(), timeout)

    async def next_of(self, *types: str, timeout: float = 30.0) -> tuple[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            kind, data = await self.event(max(0.1, deadline - asyncio.get_running_loop().time()))
            if kind in types:
                return kind, data


async def _grant(http: aiohttp.ClientSession, url: str, admin: str, user_id: str, key: str) -> None:
    async with http.post(
        f"{url}/api/v1/admin/credits/grant",
        json={"userId": user_id, "amount": 100, "type": "BONUS", "reason": "two processes"},
        headers={**bearer(admin), "Idempotency-Key": key},
    ) as response:
        assert response.status == 201, await response.text()


async def _until_every_job_ran(pg_url: str, timeout: float = 60.0) -> None:
    """Every outbox row processed by the worker (the relay's safety-net publications included)."""
    engine = build_engine(pg_url)
    pending = sa.text(
        "SELECT count(*) FROM outbox o WHERE NOT EXISTS "
        "(SELECT 1 FROM processed_messages p WHERE p.message_id = o.id)"
    )
    deadline = asyncio.get_running_loop().time() + timeout
    try:
        while True:
            async with engine.connect() as conn:
                if (await conn.execute(pending)).scalar_one() == 0:
                    return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("outbox jobs still pending")
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


async def test_an_event_raised_through_a_reaches_a_client_on_b_and_survives_a_redis_restart(
    cluster: tuple[str, str], private_redis: PrivateRedis, token: Any, pg_url: str
) -> None:
    a, b = cluster
    alice, admin = token(), token(admin=True)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{b}/api/v1/profile", headers=bearer(alice)) as response:
            profile = (await response.json())["data"]
        alice_id = profile.get("userId") or profile["id"]
        async with http.get(f"{b}/api/v1/notifications/stream", headers=bearer(alice)) as sse:
            assert sse.status == 200
            stream = Stream(sse)
            assert (await stream.event())[0] == "ready"
            await _grant(http, a, admin, alice_id, "two-1")
            _, event = await stream.next_of("credits.balance_changed")
            assert event["balance"] == 100

            # Wait until the first grant's jobs ran (a wipe between the publication at commit and
            # the relay's is test_redis_faults.py's case, ADR 0074). Then Redis loses everything.
            # B's pub/sub comes back; the client keeps its stream and is told "resync", or its
            # stream ends and it resumes by id, and is told "resync".
            last_id = stream.last_id
            await _until_every_job_ran(pg_url)
            private_redis.stop()
            private_redis.start()
            try:
                told = await stream.next_of("resync", timeout=10)
            except (EOFError, TimeoutError):
                told = None
            if told is None:
                assert last_id is not None
                sse.close()
                resumed = await http.get(
                    f"{b}/api/v1/notifications/stream",
                    headers={**bearer(alice), "Last-Event-ID": last_id},
                )
                assert resumed.status == 200
                stream = Stream(resumed)
                assert (await stream.event())[0] == "ready"
                told = await stream.next_of("resync")
            assert told == ("resync", {"reason": "epoch"})
            for attempt in range(40):  # until the worker's broker is back too
                try:
                    await _grant(http, a, admin, alice_id, f"two-2-{attempt}")
                    break
                except (AssertionError, aiohttp.ClientError):
                    await asyncio.sleep(0.5)
            _, event = await stream.next_of("credits.balance_changed")
            assert event["balance"] == 200
