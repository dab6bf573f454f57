"""The credits context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.access.authorizer import Authorizer
from application.credits.admin_grant import AdminGrant, UserBalance
from application.credits.coupons import CreateCoupon, RedeemCoupon
from application.credits.expire_holds import ExpireHolds
from application.credits.expire_lots import ExpirePromotionalCredits
from application.credits.ledger_service import CreditsLedger
from application.credits.organization_wallet import (
    OrganizationBalance,
    OrganizationHistory,
    SpendFromOrganization,
)
from application.credits.queries import GetBalance, GetHistory
from application.credits.referrals import ClaimReferral, GetReferrals, ReferralProgram
from application.credits.spend import Spend
from application.credits.transfer import TransferCredits
from application.credits.unit_of_work import (
    CouponsUnitOfWork,
    CreditsUnitOfWork,
    EconomyUnitOfWork,
    ReferralsUnitOfWork,
)
from application.credits.verify_ledger import VerifyLedger
from domain.credits.coupons import CouponHasher
from entrypoints.config import Settings
from entrypoints.containers.wiring import serves
from entrypoints.http.routes.credits import economy, rewards, wallet


def _coupon_hasher(settings: Settings) -> CouponHasher:
    return CouponHasher(settings.resolved_otp_pepper())  # the server's pepper, never stored


class Credits(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    idempotency = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(CreditsUnitOfWork)
    read_uow = infrastructure.read_uow.provided.of.call(CreditsUnitOfWork)  # replicas (ADR 0094)
    economy_uow = infrastructure.uow.provided.of.call(EconomyUnitOfWork)
    authorizer = providers.Singleton(Authorizer)  # stateless: the access context's decision

    credits_ledger = providers.Singleton(
        CreditsLedger,
        core.clock,
        providers.Factory(timedelta, days=core.config.provided.promo_credits_ttl_days),
    )
    get_balance = providers.Factory(GetBalance, read_uow)
    get_history = providers.Factory(GetHistory, read_uow)
    spend = providers.Factory(Spend, infrastructure.atomic_ledger, core.clock)
    admin_grant = providers.Factory(AdminGrant, uow, credits_ledger, core.clock)
    verify_ledger = providers.Factory(VerifyLedger, uow)
    user_balance = providers.Factory(UserBalance, uow)
    expire_holds = providers.Factory(ExpireHolds, uow, core.clock)
    expire_promotional_credits = providers.Factory(ExpirePromotionalCredits, uow, core.clock)
    transfer = providers.Factory(
        TransferCredits,
        economy_uow,
        infrastructure.atomic_ledger,
        credits_ledger,
        core.clock,
        authorizer,
    )
    organization_balance = providers.Factory(OrganizationBalance, economy_uow, authorizer)
    organization_history = providers.Factory(OrganizationHistory, economy_uow, authorizer)
    spend_from_organization = providers.Factory(
        SpendFromOrganization, economy_uow, credits_ledger, core.clock, authorizer
    )

    referrals_uow = infrastructure.uow.provided.of.call(ReferralsUnitOfWork)
    coupons_uow = infrastructure.uow.provided.of.call(CouponsUnitOfWork)
    coupon_hasher = providers.Singleton(_coupon_hasher, core.config)
    referral_program = providers.Singleton(
        ReferralProgram,
        credits_ledger,
        core.clock,
        core.config.provided.referral_reward_credits,
        core.config.provided.referral_welcome_credits,
    )
    get_referrals = providers.Factory(
        GetReferrals, referrals_uow, core.clock, core.config.provided.frontend_url
    )
    claim_referral = providers.Factory(ClaimReferral, referrals_uow, core.clock)
    create_coupon = providers.Factory(CreateCoupon, coupons_uow, coupon_hasher, core.clock)
    redeem_coupon = providers.Factory(
        RedeemCoupon, coupons_uow, credits_ledger, coupon_hasher, core.clock
    )

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(wallet.routes, economy.routes, rewards.routes)
