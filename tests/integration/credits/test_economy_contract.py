"""The economy's storage contract (referrals, coupons, the ledger's lots), on memory, SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.credits.ledger_service import CreditsLedger
from domain.credits.coupons import Coupon
from domain.credits.entry_types import EntryType
from domain.credits.referrals import Referral
from tests.fixtures.clock import FakeClock

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


async def test_wallets_with_lots_due_are_found_and_expired_once(contract_uow):
    ledger = CreditsLedger(FakeClock(NOW), timedelta(days=1))
    async with contract_uow() as u:
        for user in ("a", "b"):
            await ledger.grant(
                u, user_id=user, amount=5, type_=EntryType.BONUS, key=f"g-{user}", reason="r"
            )
        await u.commit()
    later = NOW + timedelta(days=2)
    async with contract_uow() as u:
        assert await u.ledger.wallets_expiring(NOW, "", 10) == []
        assert await u.ledger.wallets_expiring(later, "", 10) == ["user:a", "user:b"]
        assert await u.ledger.wallets_expiring(later, "user:a", 10) == ["user:b"]
        (expired,) = await u.ledger.expire_lots("user:a", later)
        assert expired.transaction.type is EntryType.EXPIRY
        assert await u.ledger.expire_lots("user:a", later) == []
        await u.commit()
    async with contract_uow() as u:
        assert await u.ledger.wallets_expiring(later, "", 10) == ["user:b"]
        assert (await u.ledger.balance("user:a")).balance == 0
        assert [lot.remaining for lot in await u.ledger.lots("user:a")] == [0]
