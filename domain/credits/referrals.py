"""Referrals: a user's code, claimed by a new user within 7 days of sign-up, rewarded once.

The referrer gets REFERRAL_REWARD_CREDITS and the referred user REFERRAL_WELCOME_CREDITS as
promotional BONUS entries (``metadata.source = "referral"``) when the referred user's first
payment completes; a full refund of that payment reverses both (floored at the available
credits, the shortfall recorded). Exactly once: the referral row is locked and says what
happened, and every entry has its own ledger key.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.credits.errors import AlreadyClaimed, CreditsError
from domain.errors import Conflict, NotFound, ValidationFailed

CLAIM_WINDOW = timedelta(days=7)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
CODE_LENGTH = 8
MAX_CODE_LENGTH = 32
REFERRER, REFERRED = "referrer", "referred"


class ReferralCodeNotFound(CreditsError, NotFound, message="Referral code not found"):
    pass


class SelfReferral(
    CreditsError, ValidationFailed, message="you cannot claim your own referral code", field="code"
):
    pass


class AlreadyReferred(AlreadyClaimed, message="A referral code was already claimed"):
    pass


class ClaimWindowClosed(CreditsError, Conflict):
    def __init__(
        self, message: str = "Referral codes can be claimed within 7 days of sign-up only"
    ) -> None:
        super().__init__(message)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    return code.strip().upper()


@dataclass(frozen=True)
class Referral:
    referred_user_id: str
    referrer_user_id: str
    code: str
    claimed_at: datetime
    payment_id: str | None = None  # the payment whose completion rewarded it
    rewarded_at: datetime | None = None
    referrer_credits: int = 0
    referred_credits: int = 0
    reversed_at: datetime | None = None

    @classmethod
    def claim(
        cls,
        *,
        referrer_id: str,
        referred_id: str,
        code: str,
        signed_up_at: datetime,
        now: datetime,
    ) -> Referral:
        if referrer_id == referred_id:
            raise SelfReferral()
        if now - signed_up_at > CLAIM_WINDOW:
            raise ClaimWindowClosed()
        return cls(referred_id, referrer_id, code, now)

    @property
    def is_rewarded(self) -> bool:
        return self.rewarded_at is not None

    def rewarded(self, payment_id: str, referrer: int, referred: int, now: datetime) -> Referral:
        return replace(
            self,
            payment_id=payment_id,
            rewarded_at=now,
            referrer_credits=referrer,
            referred_credits=referred,
        )

    def reverses_on(self, payment_id: str) -> bool:
        """A full refund of the rewarding payment reverses the rewards (once)."""
        return self.payment_id == payment_id and self.reversed_at is None

    def reversed(self, now: datetime) -> Referral:
        return replace(self, reversed_at=now)


def reward_key(referred_id: str, role: str) -> str:
    return f"referral:{referred_id}:{role}"


def reversal_key(referred_id: str, role: str) -> str:
    return f"referral:{referred_id}:{role}:reversal"
