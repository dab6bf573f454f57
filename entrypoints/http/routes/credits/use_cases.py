"""What the credits handlers run (built by the context's container)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.credits.admin_grant import AdminGrant
from application.credits.coupons import CreateCoupon, RedeemCoupon
from application.credits.organization_wallet import (
    OrganizationBalance,
    OrganizationHistory,
    SpendFromOrganization,
)
from application.credits.queries import GetBalance, GetHistory
from application.credits.referrals import ClaimReferral, GetReferrals
from application.credits.spend import Spend
from application.credits.transfer import TransferCredits
from application.idempotency import IdempotentRequests


@dataclass(frozen=True)
class CreditsUseCases:
    admin_grant: Callable[[], AdminGrant]
    get_balance: Callable[[], GetBalance]
    get_history: Callable[[], GetHistory]
    spend: Callable[[], Spend]
    idempotency: Callable[[], IdempotentRequests]
    transfer: Callable[[], TransferCredits]
    organization_balance: Callable[[], OrganizationBalance]
    organization_history: Callable[[], OrganizationHistory]
    spend_from_organization: Callable[[], SpendFromOrganization]
    get_referrals: Callable[[], GetReferrals]
    claim_referral: Callable[[], ClaimReferral]
    create_coupon: Callable[[], CreateCoupon]
    redeem_coupon: Callable[[], RedeemCoupon]
