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
    """A rule of the domain was broken; ``code`` is the API error code.

    A subclass declares what it answers with as class keywords, once:
    ``class TicketNotFound(SupportError, NotFound, message="Support ticket not found")`` —
    ``code`` and ``status`` (otherwise inherited from its kind), the default ``message`` and, for
    an error about one request field, the ``field`` its details name.
    """

    code: ClassVar[str] = "DOMAIN_ERROR"
    status: ClassVar[int] = 400  # the HTTP status of the answer (API.md "Error codes")
    default_message: ClassVar[str] = "Request refused"
    detail_field: ClassVar[str | None] = None  # the request field the details name

    def __init_subclass__(
        cls,
        *,
        code: str | None = None,
        status: int | None = None,
        message: str | None = None,
        field: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code
        if status is not None:
            cls.status = status
        if message is not None:
            cls.default_message = message
        if field is not None:
            cls.detail_field = field

    def __init__(self, message: str | None = None, *, details: object | None = None) -> None:
        message = self.default_message if message is None else message
        if details is None and self.detail_field is not None:
            details = [{"field": self.detail_field, "message": message}]
        super().__init__(message)
        self.message = message
        self.details = details

    def headers(self) -> Mapping[str, str]:
        """Response headers the client needs to act on this error (none by default)."""
        return {}


class ValidationFailed(DomainError, code="VALIDATION_ERROR"):
    pass


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


class NotFound(DomainError, code="NOT_FOUND", status=404):
    pass


class Forbidden(DomainError, code="FORBIDDEN", status=403):
    pass


class Conflict(DomainError, code="CONFLICT", status=409):
    pass


class Gone(DomainError, code="GONE", status=410):
    pass


class TooManyRequests(DomainError, code="RATE_LIMITED", status=429):
    """Too many attempts in a window; ``retry_after`` is the whole seconds until one is allowed."""

    def __init__(self, message: str | None = None, *, retry_after: int) -> None:
        super().__init__(message, details={"retryAfter": retry_after})
        self.retry_after = retry_after

    def headers(self) -> Mapping[str, str]:
        return {"Retry-After": str(self.retry_after)}


class Unavailable(DomainError, code="SERVICE_UNAVAILABLE", status=503):
    """A dependency (gateway, SMS provider, storage) could not serve the request; retry later."""


class DuplicateRequest(DomainError, code="DUPLICATE_REQUEST", status=409):
    """Idempotency violation: same key with another input, or the first call still in flight."""


class AuthenticationFailed(DomainError, code="AUTH_REQUIRED", status=401):
    """Missing, forged, expired or otherwise unacceptable credentials."""
