"""API.md "Credits economy": referral claims and coupons, through the app on both databases;
bounded coupon redemptions on PostgreSQL. (Rewards: tests/e2e/payments/test_referral_rewards.py.)"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.conftest import bearer
from tests.e2e.access.helpers import Actor, actor
from tests.e2e.credits.test_credits_routes import JSON
from tests.fixtures.ledger_check import assert_ledger_clean


async def post(who: Actor, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    resp = await who.client.post(f"/api/v1{path}", json=body, headers={**who.headers, **JSON})
    return resp.status, await resp.json()


async def referral_bonuses(who: Actor) -> list[int]:
    return [e["amount"] for e in await who.ok("GET", "/credits/history?type=BONUS")]


async def referred_pair(client: Any, token: Any) -> tuple[Actor, Actor, str]:
    referrer, newcomer = await actor(client, token), await actor(client, token)
    mine = await referrer.ok("GET", "/referrals")
    assert mine["link"].endswith(f"?ref={mine['code']}") and mine["referredCount"] == 0
    assert (await referrer.ok("GET", "/referrals"))["code"] == mine["code"]  # stable
    status, body = await post(newcomer, "/referrals/claim", {"code": mine["code"].lower()})
    assert status == 201, body
    return referrer, newcomer, mine["code"]


async def test_referral_claims_are_checked(app_client, token):
    referrer, newcomer, code = await referred_pair(app_client, token)
    status, body = await post(newcomer, "/referrals/claim", {"code": code})
    assert status == 409 and body["error"]["code"] == "ALREADY_CLAIMED"
    own = (await newcomer.ok("GET", "/referrals"))["code"]
    other = await actor(app_client, token)
    status, body = await post(other, "/referrals/claim", {"code": "NOSUCHCODE"})
    assert status == 404
    status, body = await post(
        other, "/referrals/claim", {"code": (await other.ok("GET", "/referrals"))["code"]}
    )
    assert status == 400 and body["error"]["code"] == "VALIDATION_ERROR"
    assert (await referrer.ok("GET", "/referrals"))["referredCount"] == 1
    assert own != code


async def create_coupon(client: Any, token: Any, **body: Any) -> tuple[int, Any]:
    resp = await client.post(
        "/api/v1/admin/coupons", json=body, headers={**bearer(token(admin=True)), **JSON}
    )
    return resp.status, await resp.json()


async def test_coupons_are_created_by_admins_and_redeemed_once_per_user(app_client, token):
    user = await actor(app_client, token)
    status, _ = await post(user, "/admin/coupons", {"credits": 10})
    assert status == 403
    status, body = await create_coupon(app_client, token, code="welcome-10", credits=10)
    assert status == 201 and body["data"]["code"] == "WELCOME-10", body
    assert body["data"]["onePerUser"] is True
    status, body = await create_coupon(app_client, token, code="WELCOME-10", credits=5)
    assert status == 409

    status, body = await post(user, "/credits/redeem", {"code": "welcome-10"})
    assert status == 201 and body["data"]["creditsAdded"] == 10 and body["data"]["balance"] == 10
    status, body = await post(user, "/credits/redeem", {"code": "WELCOME-10"})
    assert status == 409 and body["error"]["code"] == "ALREADY_CLAIMED"
    status, body = await post(user, "/credits/redeem", {"code": "nope"})
    assert status == 404
    (bonus,) = await user.ok("GET", "/credits/history?type=BONUS")
    assert bonus["description"] == "Coupon redeemed"

    status, body = await create_coupon(app_client, token, credits=3, maxRedemptions=1)
    generated = body["data"]["code"]
    assert status == 201 and len(generated) == 12
    assert (await post(user, "/credits/redeem", {"code": generated}))[0] == 201
    other = await actor(app_client, token)
    status, body = await post(other, "/credits/redeem", {"code": generated})
    assert status == 410 and body["error"]["code"] == "GONE"
    status, body = await create_coupon(
        app_client, token, credits=3, expiresAt="2000-01-01T00:00:00Z"
    )
    assert status == 400


async def test_fifty_concurrent_redemptions_of_a_ten_use_coupon(pg_client, token, pg_url):
    code = f"TEN-{uuid.uuid4().hex[:6]}"
    status, _ = await create_coupon(pg_client, token, code=code, credits=7, maxRedemptions=10)
    assert status == 201
    users = [await actor(pg_client, token) for _ in range(50)]
    answers = await asyncio.gather(*(post(u, "/credits/redeem", {"code": code}) for u in users))
    statuses = sorted(s for s, _ in answers)
    assert statuses == [201] * 10 + [410] * 40, statuses
    rich = [u for u, (s, _) in zip(users, answers, strict=True) if s == 201]
    for u in rich:
        assert (await u.ok("GET", "/credits/balance"))["balance"] == 7
    await assert_ledger_clean(pg_url)
