"""The free-credits claim over HTTP: send → code from the dev outbox → verify → claim."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from adapters.sms.dev_outbox import read_outbox
from tests.conftest import bearer

NUMBER = "+919876543210"
Client = TestClient[Any, Any]


async def verify_phone(
    client: Client, headers: dict[str, str], tmp_path: Path, number: str
) -> None:
    sent = await client.post(
        "/api/v1/credits/send-otp", json={"phoneNumber": number}, headers=headers
    )
    assert sent.status == 200, await sent.text()
    (message,) = [m for m in read_outbox(tmp_path / "var" / "outbox") if m["to"] == number]
    code = message["body"][:6]
    verified = await client.post("/api/v1/credits/verify-otp", json={"otp": code}, headers=headers)
    assert verified.status == 200, await verified.text()


async def claim(client: Client, headers: dict[str, str], key: str | None = None) -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post("/api/v1/credits/claim", headers={**headers, **extra})


async def history(client: Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/credits/history", headers=headers)
    entries: list[dict[str, Any]] = (await response.json())["data"]
    return entries


async def test_send_outbox_verify_claim_end_to_end(
    app_client: Client, token: Callable[..., str], tmp_path: Path
) -> None:
    alice = bearer(token())
    await verify_phone(app_client, alice, tmp_path, NUMBER)
    response = await claim(app_client, alice)
    assert response.status == 201, await response.text()
    data = (await response.json())["data"]
    assert data["creditsAdded"] == 200 and data["balance"] == 200 and data["transactionId"]
    balance = await (await app_client.get("/api/v1/credits/balance", headers=alice)).json()
    (lot,) = balance["data"].pop("expiring")  # the welcome bonus is promotional: it expires
    assert balance["data"] == {"balance": 200, "held": 0, "available": 200}
    expires = datetime.fromisoformat(lot["expiresAt"].replace("Z", "+00:00"))
    assert lot["amount"] == 200 and expires > datetime.now(UTC) + timedelta(days=364)
    (entry,) = await history(app_client, alice)
    assert (entry["id"], entry["type"], entry["amount"]) == (
        data["transactionId"],
        "INITIAL_ALLOCATION",
        200,
    )
    eligibility = await (await app_client.get("/api/v1/credits/eligibility", headers=alice)).json()
    assert eligibility["data"]["hasClaimedFreeCredits"] is True
    assert eligibility["data"]["canClaimFreeCredits"] is False
    again = await claim(app_client, alice)
    body = await again.json()
    assert (again.status, body["error"]["code"]) == (409, "ALREADY_CLAIMED")
    assert len(await history(app_client, alice)) == 1


async def test_claim_without_a_verified_phone_is_403_then_429(
    app_client: Client, token: Callable[..., str]
) -> None:
    bob = bearer(token())
    for _ in range(3):
        response = await claim(app_client, bob)
        body = await response.json()
        assert (response.status, body["error"]["code"]) == (403, "PHONE_VERIFICATION_REQUIRED")
    response = await claim(app_client, bob)
    assert response.status == 429
    assert int(response.headers["Retry-After"]) > 23 * 3600
    assert await history(app_client, bob) == []


async def test_idempotency_key_replays_the_first_answer(
    app_client: Client, token: Callable[..., str], tmp_path: Path
) -> None:
    alice = bearer(token())
    await verify_phone(app_client, alice, tmp_path, NUMBER)
    first = await claim(app_client, alice, key="claim-1")
    replay = await claim(app_client, alice, key="claim-1")
    assert (first.status, replay.status) == (201, 201)
    assert await replay.read() == await first.read()
    assert replay.headers["Idempotent-Replayed"] == "true"
    other = await claim(app_client, alice, key="claim-2")
    assert (other.status, (await other.json())["error"]["code"]) == (409, "ALREADY_CLAIMED")
    assert len(await history(app_client, alice)) == 1


async def test_concurrent_claims_post_one_initial_allocation(
    pg_client: Client, token: Callable[..., str], tmp_path: Path
) -> None:
    alice = bearer(token())
    await verify_phone(pg_client, alice, tmp_path, NUMBER)
    responses = await asyncio.gather(
        *(claim(pg_client, alice, key=f"k-{i}" if i % 2 else None) for i in range(10))
    )
    statuses = sorted(r.status for r in responses)
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {201, 409, 429}
    codes = {(await r.json())["error"]["code"] for r in responses if r.status != 201}
    assert codes <= {"ALREADY_CLAIMED", "RATE_LIMITED", "DUPLICATE_REQUEST"}
    entries = await history(pg_client, alice)
    assert [e["type"] for e in entries] == ["INITIAL_ALLOCATION"]
    balance = await (await pg_client.get("/api/v1/credits/balance", headers=alice)).json()
    assert balance["data"]["balance"] == 200
