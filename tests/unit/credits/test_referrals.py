"""Referral rules on the memory unit of work: the 7-day window, one claim, never one's own code,
nothing once a payment is behind the user; rewards once, reversed once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.credits.ledger_service import CreditsLedger
from application.credits.referrals import ClaimReferral, GetReferrals, ReferralProgram
from domain.credits.accounts import user_wallet
from domain.credits.referrals import AlreadyReferred, ClaimWindowClosed, SelfReferral
from domain.identity.user import User


async def add_user(uow, clock, user_id: str) -> None:
    async with uow() as u:
        now = clock.now()
        await u.users.add(User(user_id, f"sub-{user_id}", None, None, None, None, None, now, now))
        await u.commit()


async def test_a_code_is_claimed_within_seven_days_once_and_never_ones_own(uow, clock):
    for user in ("alice", "bob", "carol"):
        await add_user(uow, clock, user)
    code = (await GetReferrals(uow, clock, "https://app.test/")("alice")).code
    claim = ClaimReferral(uow, clock)
    with pytest.raises(SelfReferral):
        await claim("alice", code)
    clock.current += timedelta(days=6, hours=23)
    await claim("bob", code)
    with pytest.raises(AlreadyReferred):
        await claim("bob", code)
    clock.current += timedelta(hours=2)
    with pytest.raises(ClaimWindowClosed):
        await claim("carol", code)
    summary = await GetReferrals(uow, clock, "https://app.test/")("alice")
    assert (summary.code, summary.referred_count, summary.rewards_earned) == (code, 1, 0)
    assert summary.link == f"https://app.test/sign-up?ref={code}"


async def test_rewards_are_granted_once_and_reversed_once(uow, clock):
    for user in ("alice", "bob"):
        await add_user(uow, clock, user)
    code = (await GetReferrals(uow, clock, "https://app.test")("alice")).code
    await ClaimReferral(uow, clock)("bob", code)
    ledger = CreditsLedger(clock)
    program = ReferralProgram(ledger, clock, 50, 25)

    async def run(work):
        async with uow() as u:
            await work(u)
            await u.commit()

    for payment in ("pay-1", "pay-1", "pay-2"):  # replays and a second payment
        await run(lambda u, p=payment: program.payment_completed(u, "bob", p))
    async with uow() as u:
        assert (await u.ledger.balance(user_wallet("alice"))).balance == 50
        assert (await u.ledger.balance(user_wallet("bob"))).balance == 25
    await run(lambda u: program.payment_refunded(u, "bob", "pay-2"))  # not the rewarding one
    for _ in range(2):
        await run(lambda u: program.payment_refunded(u, "bob", "pay-1"))
    async with uow() as u:
        assert (await u.ledger.balance(user_wallet("alice"))).balance == 0
        assert (await u.ledger.balance(user_wallet("bob"))).balance == 0
