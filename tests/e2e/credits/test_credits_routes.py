"""Credits routes through the real app, on PostgreSQL and SQLite."""

from __future__ import annotations

import asyncio
import uuid

from adapters.dev_identity.dev_tokens import dev_subject
from tests.conftest import bearer

JSON = {"Content-Type": "application/json"}


async def user_id_of(client, t: str) -> str:
    return (await (await client.get("/api/v1/profile", headers=bearer(t))).json())["data"]["userId"]


async def grant(client, admin: str, user_id: str, amount: int, type_: str = "BONUS", key=None):
    headers = {**bearer(admin), **JSON, **({"Idempotency-Key": key} if key else {})}
    return await client.post(
        "/api/v1/admin/credits/grant",
        headers=headers,
        json={"userId": user_id, "amount": amount, "type": type_, "reason": "test grant"},
    )


async def spend(client, t: str, amount: int, key: str | None, purpose: str = "ai call"):
    headers = {**bearer(t), **JSON, **({"Idempotency-Key": key} if key else {})}
    return await client.post(
        "/api/v1/credits/spend", headers=headers, json={"amount": amount, "purpose": purpose}
    )


async def test_new_wallet_is_empty(app_client, token):
    t = token()
    resp = await app_client.get("/api/v1/credits/balance", headers=bearer(t))
    assert resp.status == 200
    assert (await resp.json())["data"] == {"balance": 0, "held": 0, "available": 0, "expiring": []}
    # A balance is never cached by a browser or a proxy (the route's headers=, ADR 0125).
    assert resp.headers["Cache-Control"] == "no-store"
    history = await app_client.get("/api/v1/credits/history", headers=bearer(t))
    assert history.headers["Cache-Control"] == "no-store"
    hist = await history.json()
    assert hist["data"] == [] and hist["meta"]["nextCursor"] is None
    refused = await spend(app_client, t, 1, "first")
    assert refused.status == 402
    assert (await refused.json())["error"]["details"] == {
        "balance": 0,
        "available": 0,
        "required": 1,
    }


async def test_grant_then_spend_is_read_your_writes(app_client, token):
    t, admin = token(), token(admin=True)
    uid = await user_id_of(app_client, t)
    resp = await grant(app_client, admin, uid, 100)
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["data"]["balance"] == 100
    resp = await spend(app_client, t, 30, "k-1")
    assert resp.status == 201, await resp.text()
    data = (await resp.json())["data"]
    assert data["balance"] == 70 and data["transactionId"]
    bal = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert [lot["amount"] for lot in bal["data"].pop("expiring")] == [70]  # a BONUS lot, spent
    assert bal["data"] == {"balance": 70, "held": 0, "available": 70}
    hist = await (await app_client.get("/api/v1/credits/history", headers=bearer(t))).json()
    assert [(e["type"], e["amount"], e["balanceAfter"]) for e in hist["data"]] == [
        ("DEDUCTION", -30, 70),
        ("BONUS", 100, 100),
    ]
    assert hist["data"][0]["id"] == data["transactionId"]
    only = await (
        await app_client.get("/api/v1/credits/history?type=BONUS", headers=bearer(t))
    ).json()
    assert [e["type"] for e in only["data"]] == ["BONUS"]


async def test_spend_replay_returns_identical_body_and_other_body_conflicts(app_client, token):
    t, admin = token(), token(admin=True)
    await grant(app_client, admin, await user_id_of(app_client, t), 50)
    first = await spend(app_client, t, 10, "same-key")
    again = await spend(app_client, t, 10, "same-key")
    assert first.status == again.status == 201
    assert await first.read() == await again.read()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = await spend(app_client, t, 11, "same-key")
    assert other.status == 409
    assert (await other.json())["error"]["code"] == "DUPLICATE_REQUEST"
    bal = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert bal["data"]["balance"] == 40


async def test_keys_are_scoped_per_caller(app_client, token):
    admin = token(admin=True)
    a, b = token(), token()
    for t in (a, b):
        await grant(app_client, admin, await user_id_of(app_client, t), 5)
    assert (await spend(app_client, a, 1, "shared")).status == 201
    resp = await spend(app_client, b, 2, "shared")
    assert resp.status == 201 and (await resp.json())["data"]["balance"] == 3


async def test_insufficient_credits_is_402_and_the_key_stays_refused(app_client, token):
    t, admin = token(), token(admin=True)
    uid = await user_id_of(app_client, t)
    await grant(app_client, admin, uid, 5)
    resp = await spend(app_client, t, 10, "too-much")
    assert resp.status == 402
    err = (await resp.json())["error"]
    assert err["code"] == "INSUFFICIENT_CREDITS"
    assert err["details"]["balance"] == 5 and err["details"]["required"] == 10
    await grant(app_client, admin, uid, 100)
    again = await spend(app_client, t, 10, "too-much")
    assert again.status == 402 and again.headers["Idempotent-Replayed"] == "true"
    bal = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert bal["data"]["balance"] == 105


async def test_spend_validates_input_and_requires_a_key(app_client, token):
    t = token()
    assert (await spend(app_client, t, 1, None)).status == 400
    assert (await spend(app_client, t, 1, "k" * 256)).status == 400
    for payload in (
        {"amount": 0, "purpose": "x"},
        {"amount": -5, "purpose": "x"},
        {"amount": 1.5, "purpose": "x"},
        {"amount": "3", "purpose": "x"},
        {"amount": 10**15, "purpose": "x"},
        {"amount": 1, "purpose": ""},
        {"amount": 1, "purpose": "x" * 101},
        {"amount": 1},
        {"amount": 1, "purpose": "x", "extra": True},
    ):
        resp = await app_client.post(
            "/api/v1/credits/spend",
            headers={**bearer(t), **JSON, "Idempotency-Key": uuid.uuid4().hex},
            json=payload,
        )
        assert resp.status == 400, payload
        assert (await resp.json())["error"]["code"] == "VALIDATION_ERROR"


async def test_admin_grant_rules(app_client, token):
    t, admin, plain = token(), token(admin=True), token()
    uid = await user_id_of(app_client, t)
    assert (await grant(app_client, plain, uid, 10)).status == 403
    assert (await grant(app_client, admin, "no-such-user", 10)).status == 404
    assert (await grant(app_client, admin, uid, 10, "PURCHASE")).status == 400
    assert (await grant(app_client, admin, uid, 0)).status == 400
    assert (await grant(app_client, admin, uid, -5, "BONUS")).status == 400
    assert (await grant(app_client, admin, uid, 10)).status == 201
    resp = await grant(app_client, admin, uid, -4, "ADJUSTMENT")
    assert resp.status == 201 and (await resp.json())["data"]["balance"] == 6
    resp = await grant(app_client, admin, uid, -7, "ADJUSTMENT")
    assert resp.status == 402


async def test_admin_grant_accepts_the_provider_subject_and_replays_by_key(app_client, token):
    admin = token(admin=True)
    t = token("grantee@example.com")
    await user_id_of(app_client, t)  # provisions the user
    target = dev_subject("grantee@example.com")
    first = await grant(app_client, admin, target, 25, key="grant-1")
    again = await grant(app_client, admin, target, 25, key="grant-1")
    assert first.status == again.status == 201
    assert await first.read() == await again.read()
    assert again.headers["Idempotent-Replayed"] == "true"
    conflict = await grant(app_client, admin, target, 26, key="grant-1")
    assert conflict.status == 409
    bal = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert bal["data"]["balance"] == 25


async def test_concurrent_spends_never_overdraw_on_either_database(app_client, token):
    t, admin = token(), token(admin=True)
    await grant(app_client, admin, await user_id_of(app_client, t), 10)
    statuses = await asyncio.gather(*(spend(app_client, t, 1, f"c-{i}") for i in range(25)))
    codes = [r.status for r in statuses]
    assert codes.count(201) == 10 and codes.count(402) == 15, codes
    bal = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert bal["data"]["balance"] == 0
