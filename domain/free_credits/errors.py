"""Errors of the phone-verification / free-credits context, one class per cause."""

from __future__ import annotations

from domain.errors import Conflict, DomainError, Forbidden, ValidationFailed


class RateLimited(DomainError):
    """Too many calls in a window; ``retry_after`` is the whole seconds until one is allowed."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retryAfter": retry_after})
        self.retry_after = retry_after


class InvalidPhoneNumber(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, details=[{"field": "phoneNumber", "message": message}])


class PhoneAlreadyVerified(Conflict):
    """The caller already has a verified phone number; there is nothing left to verify."""


class PhoneNumberTaken(Conflict):
    """The number is the verified number of another user."""


class PhoneNumberLocked(Conflict):
    """Another user is verifying this number right now (the lock lasts an hour)."""


class OtpRejected(ValidationFailed):
    """The code was wrong, expired, burned or never sent; ``reason`` says which."""

    def __init__(self, message: str, *, reason: str, attempts_remaining: int = 0) -> None:
        super().__init__(
            message,
            details=[
                {
                    "field": "otp",
                    "message": message,
                    "reason": reason,
                    "attemptsRemaining": attempts_remaining,
                }
            ],
        )
        self.reason = reason
        self.attempts_remaining = attempts_remaining


class PhoneVerificationRequired(Forbidden):
    code = "PHONE_VERIFICATION_REQUIRED"


class FreeCreditsAlreadyClaimed(Conflict):
    code = "ALREADY_CLAIMED"


class OtpDeliveryFailed(DomainError):
    """The SMS/voice provider refused or did not answer; no code was left valid."""

    code = "SERVICE_UNAVAILABLE"
