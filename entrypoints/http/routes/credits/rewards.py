"""Referrals and coupons (API.md "Credits economy")."""

from __future__ import annotations

from application.credits.coupons import CreateCoupon, RedeemCoupon
from application.credits.referrals import ClaimReferral, GetReferrals
from entrypoints.http.idempotency import idempotent
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery
from entrypoints.http.schemas.base import shown
from entrypoints.http.schemas.credits import (
    CouponIn,
    CouponOut,
    RedeemIn,
    RedeemOut,
    ReferralClaimIn,
    ReferralClaimOut,
    ReferralOut,
)

routes = ApiRoutes(tag="credits")


@routes.get("/api/v1/referrals", summary="My referral code and link")
async def referrals(call: Call[NoBody, NoQuery], get_referrals: GetReferrals) -> ReferralOut:
    r = await get_referrals(call.user.user_id)
    return shown(ReferralOut, r)


@routes.post(
    "/api/v1/referrals/claim",
    status=201,
    rate_limit="10/hour",
    summary="Name who referred me (within 7 days of sign-up, once, never my own code)",
)
async def claim_referral(
    call: Call[ReferralClaimIn, NoQuery], claim_referral: ClaimReferral
) -> ReferralClaimOut:
    referral = await claim_referral(call.user.user_id, call.body.code)
    return shown(ReferralClaimOut, referral)


@routes.post(
    "/api/v1/credits/redeem",
    status=201,
    rate_limit="10/minute",
    summary="Redeem a coupon for promotional credits",
)
@idempotent(status=201, required=False)
async def redeem(call: Call[RedeemIn, NoQuery], redeem_coupon: RedeemCoupon) -> RedeemOut:
    r = await redeem_coupon(call.user.user_id, call.body.code)
    return shown(RedeemOut, r)


@routes.post(
    "/api/v1/admin/coupons",
    status=201,
    auth=Auth.ADMIN,
    summary="Create a coupon (platform admins); its code is shown only in this answer",
)
async def create_coupon(call: Call[CouponIn, NoQuery], create_coupon: CreateCoupon) -> CouponOut:
    body = call.body
    created = await create_coupon(
        actor_id=call.user.user_id,
        code=body.code,
        credits=body.credits,
        max_redemptions=body.max_redemptions,
        one_per_user=body.one_per_user,
        expires_at=body.expires_at,
        context=call.context,
    )
    c = created.coupon
    return shown(CouponOut, c, code=created.code)
