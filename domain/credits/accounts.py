"""Ledger accounts: wallets (user, organization) that may never go below zero, and system accounts.

System accounts are the other side of every movement (credits bought come *from* ``revenue``,
bonuses from ``promotions``...). Their balances are the negation of what they handed out, so they
are not bounded below and are never a row every writer must lock.
"""

from __future__ import annotations

from enum import StrEnum

USER_WALLET_PREFIX = "user:"
ORG_WALLET_PREFIX = "org:"


class SystemAccount(StrEnum):
    REVENUE = "revenue"  # counterpart of PURCHASE / REFUND
    PROMOTIONS = "promotions"  # counterpart of BONUS / INITIAL_ALLOCATION
    ADJUSTMENTS = "adjustments"  # counterpart of ADJUSTMENT (either sign)
    CONSUMPTION = "consumption"  # where spent credits go (DEDUCTION, hold captures)
    EXPIRED = "expired"  # where expired credits go (EXPIRY)


def user_wallet(user_id: str) -> str:
    """The wallet of a platform user (``users.id``, never the identity provider's subject)."""
    if not user_id:
        raise ValueError("user id required")
    return USER_WALLET_PREFIX + user_id


def wallet_owner(account: str) -> str | None:
    """The user whose wallet ``account`` is (None: an organization's wallet or a system account)."""
    if account.startswith(USER_WALLET_PREFIX):
        return account[len(USER_WALLET_PREFIX) :] or None
    return None


def org_wallet(org_id: str) -> str:
    if not org_id:
        raise ValueError("organization id required")
    return ORG_WALLET_PREFIX + org_id


def is_wallet(account: str) -> bool:
    """Wallets hold spendable credits and must never go below zero; system accounts may."""
    return account.startswith((USER_WALLET_PREFIX, ORG_WALLET_PREFIX))


def is_known_account(account: str) -> bool:
    if is_wallet(account):
        return len(account) > account.index(":") + 1
    return account in SystemAccount._value2member_map_
