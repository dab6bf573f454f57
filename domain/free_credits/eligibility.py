"""Who may claim the one-time free credits; the eligibility read and the claim share this rule."""

from __future__ import annotations

from dataclasses import dataclass

from domain.free_credits.errors import FreeCreditsAlreadyClaimed, PhoneVerificationRequired


@dataclass(frozen=True)
class FreeCreditsEligibility:
    has_claimed: bool
    phone_verified: bool
    # A number on file: the verified one, or one a still-valid code was sent to.
    has_phone_number: bool

    @property
    def can_claim(self) -> bool:
        return self.phone_verified and not self.has_claimed

    def require_claimable(self) -> None:
        """Raises the reason ``can_claim`` is false; returns only when it is true."""
        if self.has_claimed:
            raise FreeCreditsAlreadyClaimed("free credits have already been claimed")
        if not self.phone_verified:
            raise PhoneVerificationRequired("verify your phone number before claiming free credits")
