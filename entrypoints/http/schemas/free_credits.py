"""Request and response models of the free-credits routes (phone OTP, eligibility, claim)."""

from __future__ import annotations

from pydantic import Field

from entrypoints.http.schemas.base import ApiInput, ApiOutput


class SendOtpIn(ApiInput):
    phone_number: str = Field(
        pattern=r"^\+[1-9][0-9]{6,13}$",
        description="E.164, 8..15 characters including the '+'",
        examples=["+919876543210"],
    )


class CodeSentOut(ApiOutput):
    expires_in: int = Field(description="seconds the code stays valid")
    resend_after: int = Field(description="seconds before another code may be requested")


class VerifyOtpIn(ApiInput):
    otp: str = Field(pattern=r"^[0-9]{6}$", description="the 6-digit code received")


class PhoneVerifiedOut(ApiOutput):
    phone_verified: bool


class EligibilityOut(ApiOutput):
    can_claim_free_credits: bool
    has_claimed_free_credits: bool
    phone_verified: bool
    has_phone_number: bool


class ClaimOut(ApiOutput):
    credits_added: int
    balance: int
    transaction_id: str
