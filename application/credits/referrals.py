"""Referrals (API.md "Credits economy"): my code and link, claiming a code, and the rewards the
payments settlement funnel grants and reverses (``ReferralProgram``, inside its transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.credits.ledger_service import CreditsLedger
from application.credits.unit_of_work import ReferralsUnitOfWork, RewardsUnitOfWork
from application.pagination import PageRequest
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.transient import TransientConflict, retry_transient
from domain.credits import entries
from domain.credits.accounts import user_wallet
from domain.credits.entry_types import EntryType
from domain.credits.referrals import (
    MAX_CODE_LENGTH,
    REFERRED,
    REFERRER,
    AlreadyReferred,
    ClaimWindowClosed,
    Referral,
    ReferralCodeNotFound,
    new_code,
    normalize_code,
    reversal_key,
    reward_key,
)
from domain.errors import NotFound
from domain.ids import new_id


@dataclass(frozen=True)
class ReferralSummary:
    code: str
    link: str
    referred_count: int
    rewards_earned: int


class GetReferrals:
    """The caller's code (created on first ask), share link and what it earned."""

    def __init__(
        self, uow: UnitOfWorkFactory[ReferralsUnitOfWork], clock: Clock, frontend_url: str
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._frontend_url = frontend_url.rstrip("/")

    async def __call__(self, user_id: str) -> ReferralSummary:
        async def attempt() -> ReferralSummary:
            async with self._uow() as uow:
                code = await uow.referrals.code_of(user_id)
                if code is None:
                    code = new_code()
                    if not await uow.referrals.add_code(user_id, code, self._clock.now()):
                        raise TransientConflict("referral code taken")  # a new one next time
                count, earned = await uow.referrals.stats(user_id)
                await uow.commit()
            return ReferralSummary(code, f"{self._frontend_url}/sign-up?ref={code}", count, earned)

        return await retry_transient(attempt)


@dataclass(frozen=True, eq=False)
class ClaimReferral:
    """A new user (signed up within 7 days, nothing bought yet) names who referred them, once."""

    uow: UnitOfWorkFactory[ReferralsUnitOfWork]
    clock: Clock

    async def __call__(self, user_id: str, code: str) -> Referral:
        code = normalize_code(code)
        async with self.uow() as uow:
            referrer = await uow.referrals.owner_of(code) if len(code) <= MAX_CODE_LENGTH else None
            if referrer is None:
                raise ReferralCodeNotFound()
            me = await uow.users.get(user_id)
            if me is None:
                raise NotFound("User not found")
            if await uow.referrals.get(user_id) is not None:
                raise AlreadyReferred()
            bought = await uow.ledger.history(
                user_wallet(user_id), EntryType.PURCHASE, PageRequest(limit=1)
            )
            if bought.items:  # the reward is for the first payment: it is behind them
                raise ClaimWindowClosed("Referral codes can be claimed before a first purchase")
            referral = Referral.claim(
                referrer_id=referrer,
                referred_id=user_id,
                code=code,
                signed_up_at=me.created_at,
                now=self.clock.now(),
            )
            if not await uow.referrals.add(referral):
                raise AlreadyReferred()
            await uow.commit()
            return referral


class ReferralProgram:
    """Rewards on the referred user's first completed payment; reversal on its full refund.

    Called by the payments settlement funnel inside its transaction (the payment row is locked
    there; the referral row is locked here), so replayed webhooks, verify and reconciliation
    reward once: the row records it, and each entry has its own ledger key besides.
    """

    def __init__(self, ledger: CreditsLedger, clock: Clock, referrer: int, referred: int) -> None:
        self._ledger = ledger
        self._clock = clock
        self._credits = {REFERRER: referrer, REFERRED: referred}

    async def payment_completed(
        self, uow: RewardsUnitOfWork, user_id: str, payment_id: str
    ) -> None:
        referral = await uow.referrals.get(user_id, for_update=True)
        if referral is None or referral.is_rewarded:
            return
        now = self._clock.now()
        for role, owner in ((REFERRER, referral.referrer_user_id), (REFERRED, user_id)):
            await self._ledger.grant(
                uow,
                user_id=owner,
                amount=self._credits[role],
                type_=EntryType.BONUS,
                key=reward_key(user_id, role),
                reason="Referral reward" if role == REFERRER else "Referral welcome bonus",
                metadata={"source": "referral", "role": role, "paymentId": payment_id},
            )
        rewarded = referral.rewarded(
            payment_id, self._credits[REFERRER], self._credits[REFERRED], now
        )
        await uow.referrals.save(rewarded)

    async def payment_refunded(self, uow: RewardsUnitOfWork, user_id: str, payment_id: str) -> None:
        """A full refund of the rewarding payment takes both rewards back, floored at what each
        wallet has available (the shortfall is recorded on the entry)."""
        referral = await uow.referrals.get(user_id, for_update=True)
        if referral is None or not referral.reverses_on(payment_id):
            return
        now = self._clock.now()
        owed = (
            (REFERRER, referral.referrer_user_id, referral.referrer_credits),
            (REFERRED, user_id, referral.referred_credits),
        )
        for role, owner, credits in owed:
            await self._take_back(uow, owner, credits, reversal_key(user_id, role), now)
        await uow.referrals.save(referral.reversed(now))

    async def _take_back(
        self, uow: RewardsUnitOfWork, owner: str, credits: int, key: str, now: datetime
    ) -> None:
        wallet = user_wallet(owner)
        await uow.ledger.expire_lots(wallet, now)
        available = (await uow.ledger.lock_balance(wallet)).available
        taken = min(credits, available)
        if taken <= 0:
            return  # nothing to take: the referral row records the reversal and the shortfall
        tx = entries.adjustment(
            tx_id=new_id(),
            wallet=wallet,
            amount=-taken,
            key=key,
            description="Referral reward reversed (payment refunded)",
            now=now,
            metadata={"source": "referral", "requested": credits, "shortfall": credits - taken},
        )
        await self._ledger.post(uow, tx)
