"""The credits context's units of work."""

from __future__ import annotations

from typing import Protocol

from application.access.ports import (
    MembershipRepository,
    OrganizationRepository,
    ScopeChainReader,
)
from application.credits.ports import CouponRepository, LedgerRepository, ReferralRepository
from application.identity.ports import UserRepository
from application.ports.audit import AuditLog
from application.ports.outbox import Outbox
from application.ports.unit_of_work import UnitOfWork


class LedgerUnitOfWork(UnitOfWork, Protocol):
    """What a posting needs: other contexts post credits inside their own transaction."""

    ledger: LedgerRepository
    outbox: Outbox  # the wallet owner's credits.balance_changed, published after the commit


class CreditsUnitOfWork(LedgerUnitOfWork, Protocol):
    users: UserRepository
    audit: AuditLog


class EconomyUnitOfWork(CreditsUnitOfWork, Protocol):
    """Organization wallets and transfers: who may move an organization's credits (access)."""

    scopes: ScopeChainReader
    organizations: OrganizationRepository
    memberships: MembershipRepository


class RewardsUnitOfWork(LedgerUnitOfWork, Protocol):
    """What the payments settlement funnel's transaction lends the referral program."""

    referrals: ReferralRepository


class ReferralsUnitOfWork(CreditsUnitOfWork, Protocol):
    referrals: ReferralRepository


class CouponsUnitOfWork(CreditsUnitOfWork, Protocol):
    coupons: CouponRepository
