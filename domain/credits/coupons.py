"""Coupons: admin-created codes worth promotional credits, stored only as keyed digests.

A code is a bearer secret, so it is kept as HMAC-SHA256 under the server's pepper (as phone OTPs
are, ADR 0030): a database leak reveals no code and a digest cannot be brute-forced offline.
Redemptions are bounded by ``max_redemptions`` with a conditional update of the coupon's counter
(race-free under concurrency) and, for ``one_per_user`` coupons, by a unique redemption per user.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from domain.credits.amounts import positive_credits
from domain.credits.errors import AlreadyClaimed, CreditsError, InvalidAmount
from domain.errors import Conflict, Gone, NotFound
from domain.keyed_hash import KeyedHash

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_CODE_LENGTH = 12


class CouponNotFound(CreditsError, NotFound, message="Coupon not found"):
    pass


class CouponUnavailable(CreditsError, Gone):
    """Expired, or every redemption is taken."""


class CouponAlreadyRedeemed(AlreadyClaimed, message="You already redeemed this coupon"):
    pass


class CouponCodeTaken(CreditsError, Conflict, message="A coupon with this code exists"):
    pass


def new_coupon_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(GENERATED_CODE_LENGTH))


def normalize(code: str) -> str:
    return code.strip().upper()


class CouponHasher:
    """Keyed digest of a coupon code (domain-separated from the other uses of the pepper)."""

    def __init__(self, pepper: bytes) -> None:
        self._pepper = KeyedHash(pepper)  # refuses a pepper shorter than MIN_KEY_BYTES

    def digest(self, code: str) -> str:
        return self._pepper.digest("coupon", normalize(code))


@dataclass(frozen=True)
class Coupon:
    id: str
    code_digest: str
    credits: int
    max_redemptions: int | None
    one_per_user: bool
    expires_at: datetime | None
    created_by: str | None
    created_at: datetime
    redeemed: int = 0

    @classmethod
    def create(
        cls,
        *,
        coupon_id: str,
        code_digest: str,
        credits: int,
        max_redemptions: int | None,
        one_per_user: bool,
        expires_at: datetime | None,
        created_by: str | None,
        now: datetime,
    ) -> Coupon:
        credits = positive_credits(credits, field="credits")
        if max_redemptions is not None and max_redemptions < 1:
            raise InvalidAmount("must be at least 1", field="maxRedemptions")
        if expires_at is not None and expires_at <= now:
            raise InvalidAmount("must be in the future", field="expiresAt")
        return cls(
            coupon_id,
            code_digest,
            credits,
            max_redemptions,
            one_per_user,
            expires_at,
            created_by,
            now,
        )

    def check_redeemable(self, now: datetime) -> None:
        if self.expires_at is not None and self.expires_at <= now:
            raise CouponUnavailable("This coupon has expired")


def coupon_key(coupon_id: str, user_id: str, redemption_id: str) -> str:
    return f"coupon:{coupon_id}:{user_id}:{redemption_id}"
