"""Coupons (API.md "Credits economy"): admins create them, users redeem them for a BONUS.

Redemption is one transaction: the redemption row (unique per user for one-per-user coupons),
the coupon's conditional counter (never past ``max_redemptions``, whatever the concurrency) and
the BONUS entry (``metadata.source = "coupon"``, a promotional lot) commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.audit.writer import AuditScope, AuditWriter
from application.credits.ledger_service import CreditsLedger
from application.credits.unit_of_work import CouponsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.transient import retry_transient
from domain.credits.coupons import (
    Coupon,
    CouponAlreadyRedeemed,
    CouponCodeTaken,
    CouponHasher,
    CouponNotFound,
    CouponUnavailable,
    coupon_key,
    new_coupon_code,
    normalize,
)
from domain.credits.entry_types import EntryType
from domain.ids import new_id
from domain.request_context import RequestContext


@dataclass(frozen=True)
class CreatedCoupon:
    coupon: Coupon
    code: str  # shown once, to the admin who created it; only its digest is stored


@dataclass(frozen=True)
class Redemption:
    credits_added: int
    balance: int
    transaction_id: str


@dataclass(frozen=True, eq=False)
class CreateCoupon:
    uow: UnitOfWorkFactory[CouponsUnitOfWork]
    hasher: CouponHasher
    clock: Clock

    async def __call__(
        self,
        *,
        actor_id: str | None,
        code: str | None,
        credits: int,
        max_redemptions: int | None,
        one_per_user: bool,
        expires_at: datetime | None,
        context: RequestContext | None = None,
    ) -> CreatedCoupon:
        code = normalize(code) if code else new_coupon_code()
        now = self.clock.now()
        coupon = Coupon.create(
            coupon_id=new_id(),
            code_digest=self.hasher.digest(code),
            credits=credits,
            max_redemptions=max_redemptions,
            one_per_user=one_per_user,
            expires_at=expires_at,
            created_by=actor_id,
            now=now,
        )
        async with self.uow() as uow:
            if not await uow.coupons.add(coupon):
                raise CouponCodeTaken()
            audit = AuditWriter(uow.audit, actor_id=actor_id, now=now, context=context)
            await audit.write(
                "coupon.created",
                AuditScope.platform("credits"),
                "coupon",
                coupon.id,
                after={
                    "credits": credits,
                    "maxRedemptions": max_redemptions,
                    "onePerUser": one_per_user,
                    "expiresAt": expires_at.isoformat() if expires_at else None,
                },
            )
            await uow.commit()
        return CreatedCoupon(coupon, code)


@dataclass(frozen=True, eq=False)
class RedeemCoupon:
    uow: UnitOfWorkFactory[CouponsUnitOfWork]
    ledger: CreditsLedger
    hasher: CouponHasher
    clock: Clock

    async def __call__(self, user_id: str, code: str) -> Redemption:
        digest = self.hasher.digest(code)

        async def attempt() -> Redemption:
            async with self.uow() as uow:
                coupon = await uow.coupons.by_digest(digest)
                if coupon is None:
                    raise CouponNotFound()
                now = self.clock.now()
                coupon.check_redeemable(now)
                redemption_id = new_id()
                if not await uow.coupons.record_redemption(coupon, user_id, redemption_id, now):
                    raise CouponAlreadyRedeemed()
                if not await uow.coupons.take_redemption(coupon.id):
                    raise CouponUnavailable("This coupon has been fully redeemed")
                entry = await self.ledger.grant(
                    uow,
                    user_id=user_id,
                    amount=coupon.credits,
                    type_=EntryType.BONUS,
                    key=coupon_key(coupon.id, user_id, redemption_id),
                    reason="Coupon redeemed",
                    metadata={"source": "coupon", "couponId": coupon.id},
                )
                await uow.commit()
                return Redemption(entry.amount, entry.balance_after, entry.transaction_id)

        return await retry_transient(attempt)
