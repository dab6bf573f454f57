"""PostgreSQL killed and restarted under concurrent reads and spends, through the real app.

The readers ask for the credits history (SQLAlchemy's pool) and for a team (its scope chain is
one statement on the statement pool the spends share, issue 13): both pools must recover.

While the database is away every answer is a success or a 503 ``SERVICE_UNAVAILABLE`` with
``Retry-After`` (never a 500, never a request past its timeout); ``/healthz`` turns 503 and back;
the pools recover by themselves; and nothing is half-written: every spend that answered 503 is
retried with its idempotency key afterwards and the ledger adds up.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer
from tests.fixtures.private_servers import PrivatePostgres

JSON = {"Content-Type": "application/json"}
REQUEST_TIMEOUT = 4.0
SPEND = 3


@dataclass
class Observed:
    statuses: list[int] = field(default_factory=list)
    unavailable_without_retry_after: int = 0
    wrong_codes: list[str] = field(default_factory=list)
    slowest: float = 0.0
    refused_keys: list[str] = field(default_factory=list)
    spent_keys: list[str] = field(default_factory=list)


@pytest.fixture
async def client(
    test_settings: Callable[..., Settings], private_postgres: PrivatePostgres
) -> AsyncIterator[TestClient[Any, Any]]:
    settings = test_settings(
        database_url=private_postgres.url("fairarena"),
        db_pool_size=4,
        db_max_overflow=2,
        request_timeout_seconds=REQUEST_TIMEOUT,
        db_statement_timeout_ms=2000,
        db_connect_timeout_seconds=1.0,
    )
    app = create_app(Container(config=settings))
    app_client: TestClient[Any, Any] = TestClient(TestServer(app))
    await app_client.start_server()
    try:
        yield app_client
    finally:
        await app_client.close()


async def _record(observed: Observed, send: Callable[[], Any]) -> int:
    started = time.monotonic()
    resp = await send()
    observed.slowest = max(observed.slowest, time.monotonic() - started)
    observed.statuses.append(resp.status)
    if resp.status == 503:
        body = await resp.json()
        if body["error"]["code"] != "SERVICE_UNAVAILABLE":
            observed.wrong_codes.append(body["error"]["code"])
        if "Retry-After" not in resp.headers:
            observed.unavailable_without_retry_after += 1
    else:
        await resp.read()
    return int(resp.status)


async def _reader(client: TestClient[Any, Any], auth: dict[str, str], obs: Observed, stop: Any):
    while not stop.is_set():
        await _record(obs, lambda: client.get("/api/v1/credits/history", headers=auth))


async def _team_reader(
    client: TestClient[Any, Any], auth: dict[str, str], team: str, obs: Observed, stop: Any
) -> None:
    while not stop.is_set():
        await _record(obs, lambda: client.get(f"/api/v1/team/{team}", headers=auth))


async def _created(client: TestClient[Any, Any], auth: dict[str, str], path: str, body: Any) -> str:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    resp = await client.post(path, headers={**auth, **JSON, **key}, json=body)
    assert resp.status == 201, await resp.text()
    return str((await resp.json())["data"]["id"])


async def _spender(client: TestClient[Any, Any], auth: dict[str, str], obs: Observed, stop: Any):
    while not stop.is_set():
        key = uuid.uuid4().hex
        status = await _record(obs, partial(_spend, client, auth, key))
        (obs.spent_keys if status == 201 else obs.refused_keys).append(key)
        if status == 503:
            await asyncio.sleep(0.05)


def _spend(client: TestClient[Any, Any], auth: dict[str, str], key: str) -> Any:
    headers = {**auth, **JSON, "Idempotency-Key": key}
    return client.post(
        "/api/v1/credits/spend", headers=headers, json={"amount": SPEND, "purpose": "x"}
    )


async def _health(client: TestClient[Any, Any]) -> int:
    resp = await client.get("/healthz")
    await resp.read()
    return int(resp.status)


async def _until_healthy(client: TestClient[Any, Any], timeout: float) -> float:
    started = time.monotonic()
    while await _health(client) != 200:
        assert time.monotonic() - started < timeout, "/healthz did not come back to 200"
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def test_postgres_killed_under_load_answers_503_then_recovers(
    client: TestClient[Any, Any], private_postgres: PrivatePostgres, token: Callable[..., str]
) -> None:
    t, admin = token(), token(admin=True)
    auth = bearer(t)
    profile = await (await client.get("/api/v1/profile", headers=auth)).json()
    granted = await client.post(
        "/api/v1/admin/credits/grant",
        headers={**bearer(admin), **JSON},
        json={"userId": profile["data"]["userId"], "amount": 100_000, "type": "BONUS",
              "reason": "fault test"},
    )  # fmt: skip
    assert granted.status == 201, await granted.text()
    org = await _created(
        client, auth, "/api/v1/organization", {"name": "Fault org", "slug": "fault-org"}
    )
    team_body = {"organizationId": org, "name": "Fault team", "slug": "fault-team"}
    team = await _created(client, auth, "/api/v1/team", {**team_body, "visibility": "PRIVATE"})

    observed, team_reads = Observed(), Observed()
    stop = asyncio.Event()
    load = [
        *(asyncio.create_task(_reader(client, auth, observed, stop)) for _ in range(3)),
        *(asyncio.create_task(_spender(client, auth, observed, stop)) for _ in range(3)),
        *(
            asyncio.create_task(_team_reader(client, auth, team, team_reads, stop))
            for _ in range(2)
        ),
    ]
    await asyncio.sleep(1.0)
    await asyncio.to_thread(private_postgres.kill)
    await asyncio.sleep(1.5)
    assert await _health(client) == 503
    await asyncio.to_thread(private_postgres.start)
    await _until_healthy(client, timeout=15)
    await asyncio.sleep(1.0)  # the load runs on the recovered pools for a while
    stop.set()
    await asyncio.gather(*load)

    assert set(observed.statuses) <= {200, 201, 503}, sorted(set(observed.statuses))
    assert 503 in observed.statuses, "the outage was never seen"
    assert observed.wrong_codes == []
    assert observed.unavailable_without_retry_after == 0
    assert observed.slowest < REQUEST_TIMEOUT + 2
    assert set(team_reads.statuses) == {200, 503}, sorted(set(team_reads.statuses))
    assert (team_reads.wrong_codes, team_reads.unavailable_without_retry_after) == ([], 0)
    assert team_reads.slowest < REQUEST_TIMEOUT + 2

    # Recovered: the last requests of the load succeeded, and fresh ones do.
    history = await client.get("/api/v1/credits/history?limit=1", headers=auth)
    assert history.status == 200
    mine = await client.get(f"/api/v1/team/{team}", headers=auth)
    assert mine.status == 200, await mine.text()
    # Nothing half-written: a spend that answered 503 either committed whole or not at all;
    # retried with its key it now answers 201, once.
    for key in observed.refused_keys:
        resp = await _spend(client, auth, key)
        assert resp.status == 201, await resp.text()
    spends = len(observed.spent_keys) + len(observed.refused_keys)
    balance = await (await client.get("/api/v1/credits/balance", headers=auth)).json()
    entries = 0
    cursor = None
    while True:
        query = "?limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = await (await client.get(f"/api/v1/credits/history{query}", headers=auth)).json()
        entries += len(page["data"])
        cursor = page["meta"]["nextCursor"]
        if cursor is None:
            break
    assert (entries, balance["data"]["balance"]) == (spends + 1, 100_000 - SPEND * spends)
