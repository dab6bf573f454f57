"""The referral and coupon repositories: one contract, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.credits.coupons import Coupon
from domain.credits.referrals import Referral

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


async def test_referral_codes_and_referrals(contract_uow):
    async with contract_uow() as u:
        assert await u.referrals.add_code("alice", "ABCD2345", NOW)
        assert not await u.referrals.add_code("alice", "OTHER234", NOW)  # one per user
        assert not await u.referrals.add_code("bob", "ABCD2345", NOW)  # unique code
        assert await u.referrals.add_code("bob", "BOB23456", NOW)
        await u.commit()
    async with contract_uow() as u:
        assert await u.referrals.code_of("alice") == "ABCD2345"
        assert await u.referrals.owner_of("ABCD2345") == "alice"
        assert await u.referrals.owner_of("NOPE") is None
        first = Referral("bob", "alice", "ABCD2345", NOW)
        assert await u.referrals.add(first)
        assert not await u.referrals.add(Referral("bob", "carol", "X", NOW))  # one claim
        await u.commit()
    async with contract_uow() as u:
        got = await u.referrals.get("bob", for_update=True)
        assert got == first
        await u.referrals.save(got.rewarded("pay", 50, 25, NOW + timedelta(hours=1)))
        await u.commit()
    async with contract_uow() as u:
        assert await u.referrals.stats("alice") == (1, 50)
        got = await u.referrals.get("bob")
        assert got is not None and got.payment_id == "pay" and got.referred_credits == 25
        await u.referrals.save(got.reversed(NOW + timedelta(hours=2)))
        await u.commit()
    async with contract_uow() as u:
        assert await u.referrals.stats("alice") == (1, 0)
        assert await u.referrals.stats("nobody") == (0, 0)


async def test_coupons_count_redemptions_and_once_per_user(contract_uow):
    once = Coupon("c1", "d" * 64, 10, 2, True, None, "admin", NOW)
    many = Coupon("c2", "e" * 64, 5, None, False, NOW + timedelta(days=1), None, NOW)
    async with contract_uow() as u:
        assert await u.coupons.add(once) and await u.coupons.add(many)
        assert not await u.coupons.add(Coupon("c3", "d" * 64, 1, None, True, None, None, NOW))
        await u.commit()
    async with contract_uow() as u:
        assert await u.coupons.by_digest("d" * 64) == once
        assert await u.coupons.by_digest("f" * 64) is None
        assert await u.coupons.record_redemption(once, "u1", "r1", NOW)
        assert not await u.coupons.record_redemption(once, "u1", "r2", NOW)
        assert await u.coupons.record_redemption(many, "u1", "r3", NOW)
        assert await u.coupons.record_redemption(many, "u1", "r4", NOW)
        assert [await u.coupons.take_redemption("c1") for _ in range(3)] == [True, True, False]
        assert all([await u.coupons.take_redemption("c2") for _ in range(3)])
        await u.commit()
    async with contract_uow() as u:
        stored = await u.coupons.by_digest("d" * 64)
        assert stored is not None and stored.redeemed == 2
        assert (await u.coupons.by_digest("e" * 64)).expires_at == many.expires_at
