"""API.md allows Idempotency-Keys of up to 255 characters on every money-moving POST: whatever key
the client chose, the derived keys stored behind it (ledger, HTTP records) must fit, and replays
must still find the first answer. On PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer
from tests.e2e.credits.test_credits_routes import grant, spend, user_id_of

LONGEST = "k" * 200 + "-" + "0123456789" * 5 + "long"  # 255 characters, the most API.md allows


def _key(tag: str) -> str:
    key = (tag + LONGEST)[:255]
    assert len(key) == 255
    return key


async def test_spend_takes_a_255_character_key_and_replays_it(app_client: Any, token: Any) -> None:
    t, admin = token(), token(admin=True)
    assert (await grant(app_client, admin, await user_id_of(app_client, t), 50)).status == 201
    first = await spend(app_client, t, 10, _key("spend"))
    assert first.status == 201, await first.text()
    again = await spend(app_client, t, 10, _key("spend"))
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert await first.read() == await again.read()
    other = await spend(app_client, t, 11, _key("spend"))
    assert other.status == 409
    longer = await spend(app_client, t, 10, _key("spend") + "x")
    assert longer.status == 400
    balance = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert balance["data"]["balance"] == 40


async def test_two_long_keys_that_share_a_prefix_are_two_spends(
    app_client: Any, token: Any
) -> None:
    """Deriving a key must never merge two different client keys (no truncation)."""
    t, admin = token(), token(admin=True)
    await grant(app_client, admin, await user_id_of(app_client, t), 50)
    a, b = _key("a")[:-1] + "1", _key("a")[:-1] + "2"
    assert (await spend(app_client, t, 5, a)).status == 201
    second = await spend(app_client, t, 5, b)
    assert second.status == 201 and "Idempotent-Replayed" not in second.headers
    balance = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert balance["data"]["balance"] == 40


async def test_admin_grant_takes_a_255_character_key_and_replays_it(
    app_client: Any, token: Any
) -> None:
    t, admin = token(), token(admin=True)
    uid = await user_id_of(app_client, t)
    first = await grant(app_client, admin, uid, 25, key=_key("grant"))
    assert first.status == 201, await first.text()
    again = await grant(app_client, admin, uid, 25, key=_key("grant"))
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert await first.read() == await again.read()
    assert (await grant(app_client, admin, uid, 26, key=_key("grant"))).status == 409
    balance = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert balance["data"]["balance"] == 25


async def test_create_order_takes_a_255_character_key_and_replays_it(
    app_client: Any, token: Any
) -> None:
    t = token()
    headers = {**bearer(t), "Idempotency-Key": _key("order")}
    first = await app_client.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=headers
    )
    assert first.status == 201, await first.text()
    again = await app_client.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=headers
    )
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert await first.read() == await again.read()
