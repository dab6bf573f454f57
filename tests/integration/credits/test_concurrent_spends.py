"""Real concurrency on PostgreSQL: the balance check is race-free and never over-reports."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from tests.conftest import bearer

JSON = {"Content-Type": "application/json"}


def _dsn(pg_url: str) -> str:
    return pg_url.replace("postgresql+asyncpg://", "postgresql://")


async def test_200_concurrent_spends_of_1_against_100_credits(pg_client, token, pg_url):
    t, admin = token(), token(admin=True)
    profile = await (await pg_client.get("/api/v1/profile", headers=bearer(t))).json()
    user_id = profile["data"]["userId"]
    granted = await pg_client.post(
        "/api/v1/admin/credits/grant",
        headers={**bearer(admin), **JSON},
        json={"userId": user_id, "amount": 100, "type": "BONUS", "reason": "load"},
    )
    assert granted.status == 201

    async def one_spend() -> tuple[int, dict]:
        resp = await pg_client.post(
            "/api/v1/credits/spend",
            headers={**bearer(t), **JSON, "Idempotency-Key": uuid.uuid4().hex},
            json={"amount": 1, "purpose": "race"},
        )
        return resp.status, await resp.json()

    results = await asyncio.gather(*(one_spend() for _ in range(200)))
    statuses = [s for s, _ in results]
    assert statuses.count(201) == 100, statuses
    assert statuses.count(402) == 100, statuses
    assert {b["error"]["code"] for s, b in results if s == 402} == {"INSUFFICIENT_CREDITS"}
    # The balances reported to winners are exactly 99..0, each once.
    assert sorted(b["data"]["balance"] for s, b in results if s == 201) == list(range(100))

    bal = await (await pg_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert bal["data"]["balance"] == 0
    conn = await asyncpg.connect(_dsn(pg_url))
    try:
        assert await conn.fetchval("SELECT COALESCE(SUM(amount), 0) FROM ledger_postings") == 0
        wallet = f"user:{user_id}"
        assert (
            await conn.fetchval(
                "SELECT SUM(amount) FROM ledger_postings WHERE account = $1", wallet
            )
            == 0
        )
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM ledger_transactions"
                " WHERE wallet = $1 AND status = 'REJECTED'",
                wallet,
            )
            == 100
        )
    finally:
        await conn.close()


async def test_same_key_sent_concurrently_moves_credits_once(pg_client, token):
    t, admin = token(), token(admin=True)
    user_id = (await (await pg_client.get("/api/v1/profile", headers=bearer(t))).json())["data"][
        "userId"
    ]
    await pg_client.post(
        "/api/v1/admin/credits/grant",
        headers={**bearer(admin), **JSON},
        json={"userId": user_id, "amount": 100, "type": "BONUS", "reason": "load"},
    )

    async def attempt() -> int:
        resp = await pg_client.post(
            "/api/v1/credits/spend",
            headers={**bearer(t), **JSON, "Idempotency-Key": "one-key"},
            json={"amount": 7, "purpose": "dup"},
        )
        return resp.status

    statuses = await asyncio.gather(*(attempt() for _ in range(20)))
    assert set(statuses) <= {201, 409}, statuses  # replays (201) or "still in flight" (409)
    assert 201 in statuses
    bal = await (await pg_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert bal["data"]["balance"] == 93
