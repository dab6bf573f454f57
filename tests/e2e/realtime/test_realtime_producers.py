"""Balance and payment events, each produced by its real HTTP action, reach only their user.

On PostgreSQL (where a spend takes the one-statement fast path, whose outbox row is written by
that statement) and on SQLite; jobs run in process, so the outbox relay publishes to the bus.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer
from tests.e2e.free_credits.test_claim_routes import verify_phone
from tests.e2e.realtime.test_realtime_routes import Sse, open_sse, user_id_of

Client = TestClient[Any, Any]
BALANCE, PAYMENT = "credits.balance_changed", "payment.status_changed"
AI_COMPLETED = "ai.message.completed"


@pytest.fixture
async def client(
    test_settings: Callable[..., Settings], database_url: str, tmp_path: Path
) -> AsyncIterator[Client]:
    settings = test_settings(
        database_url=database_url,
        jobs_in_process=True,
        dev_email_path=tmp_path / "emails.jsonl",
        realtime_heartbeat_seconds=0.5,
    )
    client: Client = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def next_of(stream: Sse, *types: str, timeout: float = 15.0) -> tuple[str, dict[str, Any]]:
    """The next event of one of ``types`` (others, e.g. the welcome notification, are skipped).

    One deadline for the whole wait, checked between frames (pings every heartbeat would keep a
    per-frame timeout alive; nesting wait_for can swallow the cancellation on Python 3.11).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        left = deadline - loop.time()
        if left <= 0:
            raise TimeoutError(f"no {types} within {timeout}s")
        frame = await stream.frame(left)
        if frame.get("event") in types:
            return frame["event"], orjson.loads(frame["data"])


async def nothing_of(stream: Sse, *types: str, within: float = 1.5) -> None:
    """No event of ``types`` arrives within ``within`` seconds (pings keep the stream busy)."""
    with pytest.raises(TimeoutError):
        await next_of(stream, *types, timeout=within)


async def signed_in(client: Client, token: str) -> tuple[str, Sse]:
    uid = await user_id_of(client, token)
    stream = await open_sse(client, token)
    assert (await stream.event())["event"] == "ready"
    return uid, stream


async def test_grant_and_spend_announce_the_new_balance_to_their_user_only(
    client: Client, token: Callable[..., str]
) -> None:
    alice, bob, admin = token(), token(), token(admin=True)
    alice_id, alice_stream = await signed_in(client, alice)
    _, bob_stream = await signed_in(client, bob)
    granted = await client.post(
        "/api/v1/admin/credits/grant",
        json={"userId": alice_id, "amount": 100, "type": "BONUS", "reason": "welcome"},
        headers={**bearer(admin), "Idempotency-Key": "g-1"},
    )
    assert granted.status == 201, await granted.text()
    grant_tx = (await granted.json())["data"]["transactionId"]
    _, event = await next_of(alice_stream, BALANCE)
    assert event == {"balance": 100, "held": 0, "available": 100, "transactionId": grant_tx}
    spent = await client.post(
        "/api/v1/credits/spend",
        json={"amount": 30, "purpose": "a match"},
        headers={**bearer(alice), "Idempotency-Key": "s-1"},
    )
    assert spent.status == 201, await spent.text()
    spend_tx = (await spent.json())["data"]["transactionId"]
    _, event = await next_of(alice_stream, BALANCE)
    assert event == {"balance": 70, "held": 0, "available": 70, "transactionId": spend_tx}
    # A replayed spend changes nothing and announces nothing.
    again = await client.post(
        "/api/v1/credits/spend",
        json={"amount": 30, "purpose": "a match"},
        headers={**bearer(alice), "Idempotency-Key": "s-1"},
    )
    assert again.status == 201
    await nothing_of(alice_stream, BALANCE)
    await nothing_of(bob_stream, BALANCE, PAYMENT, within=0.5)


async def test_the_free_credits_claim_announces_the_balance(
    client: Client, token: Callable[..., str], tmp_path: Path
) -> None:
    alice, bob = token(), token()
    _, alice_stream = await signed_in(client, alice)
    _, bob_stream = await signed_in(client, bob)
    await verify_phone(client, bearer(alice), tmp_path, "+919876543210")
    claimed = await client.post("/api/v1/credits/claim", headers=bearer(alice))
    assert claimed.status == 201, await claimed.text()
    tx = (await claimed.json())["data"]["transactionId"]
    _, event = await next_of(alice_stream, BALANCE)
    assert event == {"balance": 200, "held": 0, "available": 200, "transactionId": tx}
    await nothing_of(bob_stream, BALANCE)


async def test_a_purchase_and_its_refund_announce_status_and_balance(
    client: Client, token: Callable[..., str]
) -> None:
    alice, bob, admin = token(), token(), token(admin=True)
    _, alice_stream = await signed_in(client, alice)
    _, bob_stream = await signed_in(client, bob)
    created = await client.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(alice)
    )
    assert created.status == 201, await created.text()
    order = (await created.json())["data"]
    declined = await client.post(
        f"/dev/checkout/{order['orderId']}/pay?outcome=failed", headers=bearer(alice)
    )
    # A declined card: the payment fails (and says so); a new order is paid below.
    failed = await client.post(
        "/api/v1/payments/verify", json=await declined.json(), headers=bearer(alice)
    )
    assert failed.status == 402
    kind, event = await next_of(alice_stream, PAYMENT, BALANCE)
    assert (kind, event["paymentId"], event["previousStatus"]) == (
        PAYMENT,
        order["paymentId"],
        "PENDING",
    )
    assert event["status"] == "FAILED"

    created = await client.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(alice)
    )
    order = (await created.json())["data"]
    paid = await client.post(f"/dev/checkout/{order['orderId']}/pay", headers=bearer(alice))
    verified = await client.post(
        "/api/v1/payments/verify", json=await paid.json(), headers=bearer(alice)
    )
    assert verified.status == 200, await verified.text()
    seen = dict([await next_of(alice_stream, PAYMENT, BALANCE) for _ in range(2)])
    assert seen[PAYMENT] == {
        "paymentId": order["paymentId"],
        "status": "COMPLETED",
        "previousStatus": "PENDING",
    }
    assert (seen[BALANCE]["balance"], seen[BALANCE]["available"]) == (600, 600)

    refunded = await client.post(
        f"/api/v1/admin/payments/{order['paymentId']}/refund",
        json={"reason": "asked for it"},
        headers={**bearer(admin), "Idempotency-Key": "refund-1"},
    )
    assert refunded.status == 200, await refunded.text()
    seen = dict([await next_of(alice_stream, PAYMENT, BALANCE) for _ in range(2)])
    assert seen[PAYMENT] == {
        "paymentId": order["paymentId"],
        "status": "REFUNDED",
        "previousStatus": "COMPLETED",
    }
    assert seen[BALANCE]["balance"] == 0
    await nothing_of(bob_stream, PAYMENT, BALANCE)


async def test_an_assistant_reply_announces_ai_message_completed_to_its_user_only(
    client: Client, token: Callable[..., str]
) -> None:
    alice, bob = token(), token()
    _, alice_stream = await signed_in(client, alice)
    _, bob_stream = await signed_in(client, bob)
    reply = await client.post(
        "/api/v1/ai/stream", json={"message": "hello there"}, headers=bearer(alice)
    )
    assert reply.status == 200, await reply.text()
    frames = [
        orjson.loads(line[len(b"data: ") :])
        for line in (await reply.read()).split(b"\n\n")
        if line.startswith(b"data: ")
    ]
    connected, last = frames[0], frames[-1]
    assert (connected["type"], last["type"]) == ("connected", "complete")
    _, event = await next_of(alice_stream, AI_COMPLETED)
    assert event == {
        "conversationId": connected["conversationId"],
        "messageId": connected["messageId"],
    }
    await nothing_of(bob_stream, AI_COMPLETED)


async def test_events_are_published_at_commit_without_waiting_for_the_relay(
    test_settings: Callable[..., Settings], database_url: str, token: Callable[..., str]
) -> None:
    """No jobs run here (no relay, no worker): the process that committed the grant publishes
    its event itself, at once; the outbox row stays for the relay (the safety net)."""
    settings = test_settings(database_url=database_url, jobs_in_process=False)
    client: Client = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        alice, admin = token(), token(admin=True)
        alice_id, alice_stream = await signed_in(client, alice)
        loop = asyncio.get_running_loop()
        started = loop.time()
        granted = await client.post(
            "/api/v1/admin/credits/grant",
            json={"userId": alice_id, "amount": 5, "type": "BONUS", "reason": "now"},
            headers={**bearer(admin), "Idempotency-Key": "g-now"},
        )
        assert granted.status == 201, await granted.text()
        _, event = await next_of(alice_stream, BALANCE, timeout=5)
        assert event["transactionId"] == (await granted.json())["data"]["transactionId"]
        assert loop.time() - started < 2.0
    finally:
        await client.close()
