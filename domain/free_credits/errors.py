"""Errors of the phone-verification / free-credits context, one class per cause."""

from __future__ import annotations

from domain import errors
from domain.errors import Conflict, DomainError, Forbidden, ValidationFailed


class FreeCreditsError(DomainError):
    """Root of the free-credits context (phone verification and the welcome bonus)."""


class RateLimited(FreeCreditsError, errors.TooManyRequests):
    """Too many calls in a window; ``retry_after`` is the whole seconds until one is allowed."""


class InvalidPhoneNumber(FreeCreditsError, ValidationFailed, field="phoneNumber"):
    pass


class PhoneAlreadyVerified(FreeCreditsError, Conflict):
    """The caller already has a verified phone number; there is nothing left to verify."""


class PhoneNumberTaken(FreeCreditsError, Conflict):
    """The number is the verified number of another user."""


class PhoneNumberLocked(FreeCreditsError, Conflict):
    """Another user is verifying this number right now (the lock lasts an hour)."""


class OtpRejected(FreeCreditsError, errors.RejectedCode):
    """The code was wrong, expired, burned or never sent; ``reason`` says which."""


class PhoneVerificationRequired(FreeCreditsError, Forbidden, code="PHONE_VERIFICATION_REQUIRED"):
    pass


class FreeCreditsAlreadyClaimed(FreeCreditsError, Conflict, code="ALREADY_CLAIMED"):
    pass


class OtpDeliveryFailed(FreeCreditsError, code="SERVICE_UNAVAILABLE", status=503):
    """The SMS/voice provider refused or did not answer; no code was left valid."""
