"""Read replicas through the real app (ADR 0094), on a real streaming replica: a private primary
and a hot standby made from it with ``pg_basebackup -R``, started by the test.

Replay on the standby is paused to make it stale on purpose, so which server answered a read is
visible in the answer: a read-only use case reads the replica; a user's read right after their
own write reads the primary; a replica that falls more than REPLICA_MAX_LAG_SECONDS behind, or
dies, is bypassed — with no error.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.sqlalchemy.replicas import Replica, ReplicaSet
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer
from tests.fixtures.private_servers import PrivatePostgres, PrivateStreamingReplica

MAX_LAG_SECONDS = 5.0
DEADLINE_SECONDS = 120.0


@pytest.fixture
def replica(private_postgres: PrivatePostgres) -> Iterator[PrivateStreamingReplica]:
    standby = PrivateStreamingReplica(private_postgres)
    try:
        standby.init()
        yield standby
    finally:
        standby.remove()


@pytest.fixture
async def app(
    test_settings: Callable[..., Settings],
    private_postgres: PrivatePostgres,
    replica: PrivateStreamingReplica,
) -> AsyncIterator[tuple[TestClient[Any, Any], ReplicaSet]]:
    settings = test_settings(
        database_url=private_postgres.url("fairarena"),
        database_replica_urls=[replica.url("fairarena")],
        replica_max_lag_seconds=MAX_LAG_SECONDS,
        replica_check_interval_seconds=0.2,
    )
    container = Container(config=settings)
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(container)))
    await client.start_server()
    replicas = container.infrastructure.replicas()
    assert isinstance(replicas, ReplicaSet)
    try:
        yield client, replicas
    finally:
        await client.close()


async def eventually(check: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_SECONDS
    while not check():
        assert loop.time() < deadline, f"not within {DEADLINE_SECONDS}s: {what}"
        await asyncio.sleep(0.1)


async def caught_up(replica: PrivateStreamingReplica, standby: Replica) -> None:
    """Until the standby has replayed everything the primary has written so far, and the app's
    checks count it fresh. Its lag alone would not do: a pause shorter than the lag bound never
    made it stale in the app's eyes, so that condition would already hold before replay resumed."""
    target = await asyncio.to_thread(replica.primary_sql, "SELECT pg_current_wal_lsn()")
    await eventually(
        lambda: standby.lag_seconds <= MAX_LAG_SECONDS and replica.replayed(target),
        "the standby caught up",
    )


async def balance(client: TestClient[Any, Any], token: str) -> int:
    answer = await client.get("/api/v1/credits/balance", headers=bearer(token))
    assert answer.status == 200, await answer.text()
    return int((await answer.json())["data"]["balance"])


async def grant(client: TestClient[Any, Any], admin: str, user_id: str, amount: int) -> None:
    answer = await client.post(
        "/api/v1/admin/credits/grant",
        headers=bearer(admin),
        json={"userId": user_id, "amount": amount, "type": "BONUS", "reason": "replicas"},
    )
    assert answer.status == 201, await answer.text()


async def user_id(client: TestClient[Any, Any], token: str) -> str:
    answer = await client.get("/api/v1/profile", headers=bearer(token))  # provisions
    return str((await answer.json())["data"]["userId"])


async def test_reads_use_a_fresh_replica_and_your_own_writes_read_the_primary(
    app: tuple[TestClient[Any, Any], ReplicaSet],
    replica: PrivateStreamingReplica,
    token: Callable[..., str],
) -> None:
    client, replicas = app
    [standby] = replicas.replicas
    ursula, vera, admin = token(), token(), token(admin=True)
    ursula_id, vera_id = await user_id(client, ursula), await user_id(client, vera)
    await grant(client, admin, ursula_id, 10)
    await caught_up(replica, standby)

    await asyncio.to_thread(replica.pause)  # the standby stops replaying: stale from now on
    await grant(client, admin, vera_id, 5)  # on the primary only
    # Vera wrote nothing: her read-only balance comes from the (stale, within bounds) replica.
    assert await balance(client, vera) == 0
    # Ursula's own write, then her read: the primary (the replica still says 10).
    spent = await client.post(
        "/api/v1/credits/spend",
        headers={**bearer(ursula), "Idempotency-Key": "replica-spend"},
        json={"amount": 4, "purpose": "x"},
    )
    assert spent.status in (200, 201), await spent.text()
    assert await balance(client, ursula) == 6
    history = await client.get("/api/v1/credits/history", headers=bearer(ursula))
    assert len((await history.json())["data"]) == 2  # BONUS and DEDUCTION, from the primary

    # Too far behind: bypassed, Vera reads the primary.
    await eventually(lambda: standby.lag_seconds > MAX_LAG_SECONDS, "the standby is lagging")
    assert await balance(client, vera) == 5

    # Replay resumes: the standby is used again, and is right.
    await asyncio.to_thread(replica.resume)
    await caught_up(replica, standby)
    assert await balance(client, vera) == 5

    # Dead: bypassed at once (connection refused), then by the checks; no error.
    await asyncio.to_thread(replica.kill)
    assert await balance(client, vera) == 5
    await eventually(lambda: standby.down, "the standby is marked down")
    assert [await balance(client, vera) for _ in range(3)] == [5, 5, 5]


async def get(client: TestClient[Any, Any], path: str, token: str | None = None) -> Any:
    answer = await client.get(path, headers=bearer(token) if token else {})
    assert answer.status == 200, (path, answer.status, await answer.text())
    return (await answer.json())["data"]


async def send(
    client: TestClient[Any, Any], method: str, path: str, token: str, **body: Any
) -> Any:
    answer = await client.request(method, path, headers=bearer(token), json=body or None)
    assert answer.status in (200, 201), (path, answer.status, await answer.text())
    return (await answer.json())["data"]


async def test_lists_profiles_stars_and_plans_read_the_replica_but_not_after_your_write(
    app: tuple[TestClient[Any, Any], ReplicaSet],
    replica: PrivateStreamingReplica,
    token: Callable[..., str],
) -> None:
    """ADR 0096: each read below answers from the paused replica (another user's newer write is
    missing from it) unless the reader made that write themselves."""
    client, replicas = app
    [standby] = replicas.replicas
    ursula, vera = token(), token()
    vera_id = await user_id(client, vera)
    await user_id(client, ursula)
    org = await send(
        client, "POST", "/api/v1/organization", ursula,
        name="Replicated", slug="replicated", joinEnabled=True,
    )  # fmt: skip
    await send(client, "POST", f"/api/v1/organization/{org['id']}/join", vera)
    # Vera's join sends her reads to the primary for the read-your-writes window: let it pass,
    # and let the standby catch up with everything so far.
    await asyncio.sleep(replicas.read_your_writes_window)
    await caught_up(replica, standby)

    await asyncio.to_thread(replica.pause)  # stale from now on
    await send(client, "PATCH", f"/api/v1/organization/{org['id']}", ursula, name="Renamed")
    await send(client, "POST", f"/api/v1/stars/{vera_id}", ursula)
    # The plans catalogue changes (as `fairarena` commands change it: no request, no window).
    await asyncio.to_thread(
        replica.primary_sql,
        "INSERT INTO plans VALUES ('plan_replica', 'Replica', 100, 'INR', 10, '', '[]', true,"
        " false, now(), now())",
    )

    # Vera wrote none of it: the replica answers, without it.
    assert [o["name"] for o in await get(client, "/api/v1/organization", vera)] == ["Replicated"]
    assert await get(client, f"/api/v1/stars/{vera_id}", vera) == []
    assert (await get(client, f"/api/v1/profile/view/{vera_id}", vera))["starCount"] == 0
    assert "plan_replica" not in [p["id"] for p in await get(client, "/api/v1/plans")]
    assert not standby.down and standby.lag_seconds <= MAX_LAG_SECONDS  # it was the replica

    # Ursula's own writes: her reads go to the primary.
    assert [o["name"] for o in await get(client, "/api/v1/organization", ursula)] == ["Renamed"]
    assert len(await get(client, f"/api/v1/stars/{vera_id}", ursula)) == 1
    assert (await get(client, f"/api/v1/profile/view/{vera_id}", ursula))["starCount"] == 1
    assert (await get(client, f"/api/v1/stars/{vera_id}/status", ursula))["hasStarred"] is True

    # Replay resumes: the replica has it all, and still answers Vera.
    await asyncio.to_thread(replica.resume)
    await caught_up(replica, standby)
    assert [o["name"] for o in await get(client, "/api/v1/organization", vera)] == ["Renamed"]
    assert len(await get(client, f"/api/v1/stars/{vera_id}", vera)) == 1
    assert "plan_replica" in [p["id"] for p in await get(client, "/api/v1/plans")]
