"""Real concurrency on PostgreSQL: opposite transfers between two wallets never deadlock (the
one-statement transfer locks both wallets in account order), conserve the total, and leave the
ledger verifiable."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from tests.e2e.access.helpers import actor
from tests.e2e.credits.test_transfers_and_organization_wallets import fund, post
from tests.fixtures.ledger_check import assert_ledger_clean


async def test_100_concurrent_opposite_transfers(pg_client, token, pg_url):
    alice, bob = await actor(pg_client, token), await actor(pg_client, token)
    await fund(pg_client, token, alice, 1_000)
    await fund(pg_client, token, bob, 1_000)

    async def one(i: int) -> int:
        sender, receiver = (alice, bob) if i % 2 else (bob, alice)
        body = {"to": {"userId": receiver.user_id}, "amount": 1 + i % 7}
        status, answer, _ = await post(sender, "/credits/transfer", body, uuid.uuid4().hex)
        assert status == 201, answer
        return status

    statuses = await asyncio.gather(*(one(i) for i in range(100)))
    assert statuses == [201] * 100  # no deadlock (nor anything else) reached a client

    sent = {0: 0, 1: 0}
    for i in range(100):
        sent[i % 2] += 1 + i % 7
    a = (await alice.ok("GET", "/credits/balance"))["balance"]
    b = (await bob.ok("GET", "/credits/balance"))["balance"]
    assert a == 1_000 - sent[1] + sent[0] and b == 1_000 - sent[0] + sent[1]
    assert a + b == 2_000
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM ledger_transactions WHERE type = 'TRANSFER_OUT'"
        )
        legs = await conn.fetchval(
            "SELECT count(*) FROM ledger_postings WHERE entry_type LIKE 'TRANSFER_%'"
        )
    finally:
        await conn.close()
    assert (count, legs) == (100, 200)
    await assert_ledger_clean(pg_url)


async def test_the_same_transfer_sent_concurrently_moves_credits_once(pg_client, token, pg_url):
    alice, bob = await actor(pg_client, token), await actor(pg_client, token)
    await fund(pg_client, token, alice, 100)
    await fund(pg_client, token, bob, 1)
    body = {"to": {"userId": bob.user_id}, "amount": 9}
    results = await asyncio.gather(
        *(post(alice, "/credits/transfer", body, "same") for _ in range(20))
    )
    statuses = [s for s, _, _ in results]
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    assert (await bob.ok("GET", "/credits/balance"))["balance"] == 10
    await assert_ledger_clean(pg_url)
