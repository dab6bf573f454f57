"""Redis killed under a signed-in user, through the real app on PostgreSQL: reads come from the
database, writes commit, rate limits count per process, the outbox keeps every job, no 5xx but
realtime degraded (connections open, no 5xx); and when Redis is back the shared store, the broker
and realtime (with ``resync``) are used again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer

from domain.errors import Unavailable
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.jobs.relay_loop import build_relay
from entrypoints.jobs.worker import build_job_side
from entrypoints.observability import RATE_LIMIT_DEGRADED
from tests.conftest import bearer
from tests.e2e.realtime.test_realtime_routes import open_sse, publish, user_id_of
from tests.fixtures.private_servers import PrivateRedis

JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def app(
    test_settings: Callable[..., Settings], pg_url: str, private_redis: PrivateRedis
) -> AsyncIterator[tuple[TestClient[Any, Any], Container]]:
    settings = test_settings(database_url=pg_url, redis_url=private_redis.url)
    container = Container(config=settings)
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(container)))
    await client.start_server()
    try:
        yield client, container
    finally:
        await client.close()


async def _pending_outbox(container: Container) -> int:
    async with container.infrastructure.uow()() as unit:
        pending = await unit.outbox.claim_pending(1000, container.core.clock().now())
        return len(pending)


async def test_redis_killed_reads_and_writes_keep_answering(
    app: tuple[TestClient[Any, Any], Container],
    private_redis: PrivateRedis,
    token: Callable[..., str],
) -> None:
    client, container = app
    auth = bearer(token())
    admin = bearer(token(admin=True))
    profile = await client.get("/api/v1/profile", headers=auth)  # provisions the user
    assert profile.status == 200
    user_id = (await profile.json())["data"]["userId"]
    assert (await client.get("/healthz")).status == 200

    await asyncio.to_thread(private_redis.kill)
    degraded_before = RATE_LIMIT_DEGRADED._value.get()
    health = await client.get("/healthz")
    assert health.status == 503
    assert (await health.json())["error"]["details"]["checks"]["database"] == "ok"

    statuses = []
    for n in range(3):
        statuses += [
            (await client.get("/api/v1/profile", headers=auth)).status,
            (await client.get("/api/v1/credits/history", headers=auth)).status,
            (await client.get("/api/v1/notifications", headers=auth)).status,
            (
                await client.put(
                    "/api/v1/profile", headers={**auth, **JSON}, json={"firstName": f"Down{n}"}
                )
            ).status,
        ]
    granted = await client.post(
        "/api/v1/admin/credits/grant",
        headers={**admin, **JSON},
        json={"userId": user_id, "amount": 10, "type": "BONUS", "reason": "redis down"},
    )
    statuses.append(granted.status)
    spent = await client.post(
        "/api/v1/credits/spend",
        headers={**auth, **JSON, "Idempotency-Key": "redis-down"},
        json={"amount": 4, "purpose": "x"},
    )
    statuses.append(spent.status)
    assert all(200 <= s < 300 for s in statuses), statuses
    read = await (await client.get("/api/v1/profile", headers=auth)).json()
    assert read["data"]["firstName"] == "Down2"  # read from the database, not a stale cache
    balance = await (await client.get("/api/v1/credits/balance", headers=auth)).json()
    assert balance["data"]["balance"] == 6
    assert RATE_LIMIT_DEGRADED._value.get() > degraded_before

    # The outbox keeps the jobs while the broker is away: the relay fails, nothing is lost.
    side = build_job_side(container.config(), runs_jobs=False)
    relay = build_relay(container, side)
    pending = await _pending_outbox(container)
    assert pending > 0
    with pytest.raises(Exception):  # noqa: B017 - the broker's own connection error
        await relay.relay_once()
    assert await _pending_outbox(container) == pending

    # Redis is back: health, the shared limiter and the broker are used again.
    await asyncio.to_thread(private_redis.start)
    for _ in range(50):
        if (await client.get("/healthz")).status == 200:
            break
        await asyncio.sleep(0.1)
    assert (await client.get("/healthz")).status == 200
    assert await relay.relay_once() == pending
    assert await _pending_outbox(container) == 0
    side.broker.close()


async def test_realtime_answers_while_redis_is_down_and_resyncs_when_it_is_back(
    app: tuple[TestClient[Any, Any], Container],
    private_redis: PrivateRedis,
    token: Callable[..., str],
) -> None:
    """Realtime degrades instead of answering 5xx (ADR 0075, 0076): while Redis is away a ticket
    is issued and a stream resuming from an id opens (``ready`` without a head, heartbeats);
    Redis back (with its data lost), that same stream is told ``resync`` and carries new events."""
    client, _ = app
    alice = token()
    user_id = await user_id_of(client, alice)
    stream = await open_sse(client, alice)
    assert (await stream.event())["event"] == "ready"
    await publish(client, user_id)
    before = await stream.event()
    last_id = before["id"]
    stream.response.close()

    await asyncio.to_thread(private_redis.kill)
    ticket = await client.post("/api/v1/realtime/ticket", headers=bearer(alice))
    assert ticket.status == 201, await ticket.text()
    degraded = await open_sse(client, alice, **{"Last-Event-ID": last_id})
    ready = await degraded.event()
    assert (ready["event"], orjson.loads(ready["data"])) == (
        "ready",
        {"epoch": None, "lastEventId": None},
    )

    await asyncio.to_thread(private_redis.start)
    told = await degraded.event(timeout=30)  # once this process's pub/sub is back
    assert (told["event"], orjson.loads(told["data"])) == ("resync", {"reason": "epoch"})
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while True:  # until the API's pooled Redis connections are back too
        try:
            await publish(client, user_id)
            break
        except Unavailable:
            assert loop.time() < deadline, "realtime never came back"
            await asyncio.sleep(0.2)
    assert (await degraded.event())["event"] == "support.ticket.updated"
    degraded.response.close()
