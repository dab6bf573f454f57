"""Signed tickets: redeemed once, only before they expire, only as signed, on any instance that
shares the key; single use held in Redis across instances, and in the process when Redis is away."""

from __future__ import annotations

import uuid

import redis.asyncio as redis_asyncio

from adapters.realtime.tickets import InProcessUsedTickets, RedisUsedTickets, SignedTicketStore
from application.identity.principal import Principal
from application.realtime.tickets import IssueTicket, RedeemTicket
from tests.fixtures.databases import REDIS_URL

KEY = b"k" * 32


class Clock:
    now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_ticket_is_redeemed_once_and_only_before_it_expires() -> None:
    clock = Clock()
    store = SignedTicketStore(KEY, InProcessUsedTickets(clock), clock)
    issue, redeem = IssueTicket(store), RedeemTicket(store)
    ticket = await issue(Principal("u1", "s1", None, None))
    assert ticket.expires_in == 60
    assert await redeem(ticket.value) == "u1"
    assert await redeem(ticket.value) is None  # single use
    late = await issue(Principal("u2", "s2", None, None))
    clock.now += 61
    assert await redeem(late.value) is None
    assert await redeem("made-up") is None
    assert await redeem("bWFkZS11cA.bWFkZS11cA") is None


async def test_a_forged_or_foreign_ticket_is_refused() -> None:
    clock = Clock()
    ours = SignedTicketStore(KEY, InProcessUsedTickets(clock), clock)
    theirs = SignedTicketStore(b"x" * 32, InProcessUsedTickets(clock), clock)
    ticket = await theirs.issue("u1", 60)
    assert await ours.redeem(ticket) is None
    payload, _, mac = (await ours.issue("u1", 60)).partition(".")
    assert await ours.redeem(f"{payload[:-2]}AA.{mac}") is None  # payload changed


async def test_single_use_holds_across_instances_through_redis() -> None:
    client = redis_asyncio.Redis.from_url(REDIS_URL)
    prefix = f"rt-test-{uuid.uuid4().hex[:8]}"
    try:
        a = SignedTicketStore(KEY, RedisUsedTickets(client, prefix))
        b = SignedTicketStore(KEY, RedisUsedTickets(client, prefix))
        ticket = await a.issue("u1", 60)
        assert await b.redeem(ticket) == "u1"  # any instance can check it
        assert await a.redeem(ticket) is None  # used on b: refused on a
    finally:
        async for key in client.scan_iter(match=f"{prefix}*"):
            await client.delete(key)
        await client.aclose()


async def test_with_redis_away_a_ticket_still_works_once_per_process() -> None:
    nowhere = redis_asyncio.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    try:
        store = SignedTicketStore(KEY, RedisUsedTickets(nowhere, "rt"))
        ticket = await store.issue("u1", 60)
        assert await store.redeem(ticket) == "u1"
        assert await store.redeem(ticket) is None
    finally:
        await nowhere.aclose()
