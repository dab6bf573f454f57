"""Root of the error hierarchy.

Every error a client may see carries a stable ``code`` (API.md "Error codes"). The HTTP layer maps
codes to statuses; the domain and application layers never think in HTTP terms. Bounded contexts
subclass these by cause (``InsufficientCredits(DomainError)``, ``IllegalTransition(Conflict)``...).
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; ``code`` is the API error code."""

    code: str = "DOMAIN_ERROR"

    def __init__(self, message: str, *, details: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Conflict(DomainError):
    code = "CONFLICT"


class Gone(DomainError):
    code = "GONE"


class DuplicateRequest(DomainError):
    """Idempotency violation: same key with another input, or the first call still in flight."""

    code = "DUPLICATE_REQUEST"


class AuthenticationFailed(DomainError):
    """Missing, forged, expired or otherwise unacceptable credentials."""

    code = "AUTH_REQUIRED"
