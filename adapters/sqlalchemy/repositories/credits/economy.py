"""Referrals and coupons on SQLAlchemy Core (PostgreSQL and SQLite), inside the unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import entity_row, first_entity, insert_ignoring_conflict
from adapters.sqlalchemy.tables.credits import (
    coupon_redemptions,
    coupons,
    referral_codes,
    referrals,
)
from domain.credits.coupons import Coupon
from domain.credits.referrals import Referral


def _referral(row: Any) -> Referral:
    return Referral(
        row.referred_user_id,
        row.referrer_user_id,
        row.code,
        row.claimed_at,
        row.payment_id,
        row.rewarded_at,
        row.referrer_credits,
        row.referred_credits,
        row.reversed_at,
    )


@REPOSITORIES.register("referrals")
class SqlReferralRepository(SqlRepository):
    async def code_of(self, user_id: str) -> str | None:
        stmt = sa.select(referral_codes.c.code).where(referral_codes.c.user_id == user_id)
        code: str | None = (await self._conn.execute(stmt)).scalar_one_or_none()
        return code

    async def add_code(self, user_id: str, code: str, now: datetime) -> bool:
        values = {"user_id": user_id, "code": code, "created_at": now}
        return await insert_ignoring_conflict(self._conn, referral_codes, values)

    async def owner_of(self, code: str) -> str | None:
        stmt = sa.select(referral_codes.c.user_id).where(referral_codes.c.code == code)
        owner: str | None = (await self._conn.execute(stmt)).scalar_one_or_none()
        return owner

    async def get(self, referred_user_id: str, *, for_update: bool = False) -> Referral | None:
        stmt = sa.select(referrals).where(referrals.c.referred_user_id == referred_user_id)
        return await first_entity(self._conn, stmt, _referral, lock=for_update)

    async def add(self, referral: Referral) -> bool:
        return await insert_ignoring_conflict(self._conn, referrals, _values(referral))

    async def save(self, referral: Referral) -> None:
        await self._conn.execute(
            sa.update(referrals)
            .where(referrals.c.referred_user_id == referral.referred_user_id)
            .values(**_values(referral))
        )

    async def stats(self, referrer_user_id: str) -> tuple[int, int]:
        r = referrals.c
        earned = sa.case((r.reversed_at.is_(None), r.referrer_credits), else_=0)
        stmt = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(earned), 0)).where(
            r.referrer_user_id == referrer_user_id
        )
        count, credits = (await self._conn.execute(stmt)).one()
        return int(count), int(credits)


def _values(r: Referral) -> dict[str, Any]:
    return entity_row(r)


@REPOSITORIES.register("coupons")
class SqlCouponRepository(SqlRepository):
    async def add(self, coupon: Coupon) -> bool:
        values = entity_row(coupon)
        return await insert_ignoring_conflict(self._conn, coupons, values)

    async def by_digest(self, code_digest: str) -> Coupon | None:
        row = (
            await self._conn.execute(sa.select(coupons).where(coupons.c.code_digest == code_digest))
        ).first()
        if row is None:
            return None
        return Coupon(
            row.id,
            row.code_digest,
            row.credits,
            row.max_redemptions,
            row.one_per_user,
            row.expires_at,
            row.created_by,
            row.created_at,
            row.redeemed,
        )

    async def take_redemption(self, coupon_id: str) -> bool:
        c = coupons.c
        # Conditional: the row lock serialises redeemers and the condition is re-checked on the
        # newest row, so no more than max_redemptions ever pass (CHECK constraint as a backstop).
        result = await self._conn.execute(
            sa.update(coupons)
            .where(c.id == coupon_id)
            .where(sa.or_(c.max_redemptions.is_(None), c.redeemed < c.max_redemptions))
            .values(redeemed=c.redeemed + 1)
        )
        return bool(result.rowcount == 1)

    async def record_redemption(
        self, coupon: Coupon, user_id: str, redemption_id: str, now: datetime
    ) -> bool:
        values = {
            "id": redemption_id,
            "coupon_id": coupon.id,
            "user_id": user_id,
            "once": coupon.one_per_user,
            "created_at": now,
        }
        return await insert_ignoring_conflict(self._conn, coupon_redemptions, values)
