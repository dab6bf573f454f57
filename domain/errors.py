"""Root of the error hierarchy.

Every error a client may see carries a stable ``code`` (API.md "Error codes") and declares how it
is answered: ``status`` and, where the client needs them, ``headers()`` (``Retry-After``...). The
one error middleware (``entrypoints/http/middleware.py``) reads them; nothing else maps errors.
Each bounded context has a root error (``CreditsError``, ``PaymentError``...) and subclasses it by
cause, mixing in the kind below for the code and status: ``HoldNotOpen(CreditsError, Conflict)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class DomainError(Exception):
    """A rule of the domain was broken; ``code`` is the API error code."""

    code: str = "DOMAIN_ERROR"
    status: ClassVar[int] = 400  # the HTTP status of the answer (API.md "Error codes")

    def __init__(self, message: str, *, details: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def headers(self) -> Mapping[str, str]:
        """Response headers the client needs to act on this error (none by default)."""
        return {}


class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"


class RejectedCode(ValidationFailed):
    """A one-time code was wrong, expired, burned or never sent; ``reason`` says which."""

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


class NotFound(DomainError):
    code = "NOT_FOUND"
    status = 404


class Forbidden(DomainError):
    code = "FORBIDDEN"
    status = 403


class Conflict(DomainError):
    code = "CONFLICT"
    status = 409


class Gone(DomainError):
    code = "GONE"
    status = 410


class TooManyRequests(DomainError):
    """Too many attempts in a window; ``retry_after`` is the whole seconds until one is allowed."""

    code = "RATE_LIMITED"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retryAfter": retry_after})
        self.retry_after = retry_after

    def headers(self) -> Mapping[str, str]:
        return {"Retry-After": str(self.retry_after)}


class Unavailable(DomainError):
    """A dependency (gateway, SMS provider, storage) could not serve the request; retry later."""

    code = "SERVICE_UNAVAILABLE"
    status = 503


class DuplicateRequest(DomainError):
    """Idempotency violation: same key with another input, or the first call still in flight."""

    code = "DUPLICATE_REQUEST"
    status = 409


class AuthenticationFailed(DomainError):
    """Missing, forged, expired or otherwise unacceptable credentials."""

    code = "AUTH_REQUIRED"
    status = 401
