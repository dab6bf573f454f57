"""Referral rewards through the one payments settlement funnel (API.md "Credits economy"): the
referred user's first completed payment rewards both users once, also under concurrent replayed
webhooks (PostgreSQL), and a full refund of that payment reverses both."""

from __future__ import annotations

import asyncio

from tests.conftest import bearer
from tests.e2e.credits.test_referrals_and_coupons import referral_bonuses, referred_pair
from tests.e2e.payments.conftest import Shop
from tests.e2e.payments.test_payment_routes import _json
from tests.fixtures.ledger_check import assert_ledger_clean


async def test_the_first_payment_rewards_both_and_a_full_refund_reverses(shop: Shop, token):
    referrer, newcomer, _ = await referred_pair(shop.client, token)
    order = await shop.buy(newcomer.token)
    paid = shop.razorpay.pay(order["orderId"])
    assert (await shop.verify(newcomer.token, order["orderId"], paid["id"])).status == 200
    assert await referral_bonuses(referrer) == [50]
    assert await referral_bonuses(newcomer) == [25]
    assert (await referrer.ok("GET", "/referrals"))["rewardsEarned"] == 50
    assert (await newcomer.ok("GET", "/credits/balance"))["balance"] == 625

    # A second payment rewards nothing more.
    second = await shop.buy(newcomer.token, "plan_starter")
    paid2 = shop.razorpay.pay(second["orderId"])
    assert (await shop.verify(newcomer.token, second["orderId"], paid2["id"])).status == 200
    assert await referral_bonuses(referrer) == [50]

    # A full refund of the rewarding payment takes both rewards back.
    admin = token(admin=True)
    refund = await shop.client.post(
        f"/api/v1/admin/payments/{order['paymentId']}/refund",
        json={"reason": "changed my mind"},
        headers={**bearer(admin), "Idempotency-Key": "full"},
    )
    assert (await _json(refund))["data"]["paymentStatus"] == "REFUNDED"
    reversals = await referrer.ok("GET", "/credits/history?type=ADJUSTMENT")
    assert [e["amount"] for e in reversals] == [-50]
    assert (await referrer.ok("GET", "/referrals"))["rewardsEarned"] == 0
    assert (await newcomer.ok("GET", "/credits/balance"))["balance"] == 100  # the starter plan


async def test_five_concurrent_webhooks_reward_once(pg_shop: Shop, token, pg_url):
    shop, fake = pg_shop, pg_shop.razorpay
    referrer, newcomer, _ = await referred_pair(shop.client, token)
    order = await shop.buy(newcomer.token)
    paid = fake.pay(order["orderId"])
    hooks = [fake.webhook("payment.captured", payment=fake.payments[paid["id"]]) for _ in range(5)]
    answers = await asyncio.gather(*(shop.deliver(h) for h in hooks))
    assert all(a.status == 200 for a in answers)
    jobs = await shop.webhook_jobs()
    process = shop.container.payments.process_razorpay_webhook()
    await asyncio.gather(*(process(message_id, payload) for message_id, payload in jobs))
    assert await referral_bonuses(referrer) == [50]
    assert await referral_bonuses(newcomer) == [25]
    rewards = await shop.scalar(
        "SELECT count(*) FROM ledger_transactions WHERE idempotency_key LIKE :k",
        k=f"referral:{newcomer.user_id}:%",
    )
    assert rewards == 2
    await assert_ledger_clean(pg_url)
