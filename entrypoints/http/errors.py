"""Error codes → HTTP statuses, and the HTTP-only errors (rate limits, 405, 413...)."""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import DomainError

STATUS_BY_CODE: dict[str, int] = {
    "AUTH_REQUIRED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "VALIDATION_ERROR": 400,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "RATE_LIMITED": 429,
    "PAYMENT_FAILED": 402,
    "INSUFFICIENT_CREDITS": 402,
    "DUPLICATE_REQUEST": 409,
    "CONFLICT": 409,
    "ALREADY_CLAIMED": 409,
    "GONE": 410,
    "INVALID_SIGNATURE": 403,
    "PAYMENTS_DISABLED": 403,
    "PHONE_VERIFICATION_REQUIRED": 403,
    "MAINTENANCE": 503,
    "SERVICE_UNAVAILABLE": 503,
    "INTERNAL_ERROR": 500,
}

# Some causes share a code but not a status (a bad checkout signature is PAYMENT_FAILED with 400).
_STATUS_BY_TYPE: dict[type[DomainError], int] = {}


def register_status(error_type: type[DomainError], status: int) -> None:
    _STATUS_BY_TYPE[error_type] = status


def status_for(error: DomainError) -> int:
    for klass in type(error).__mro__:
        if klass in _STATUS_BY_TYPE:
            return _STATUS_BY_TYPE[klass]
    return STATUS_BY_CODE.get(error.code, 400)


class ApiError(Exception):
    """An error decided by the HTTP layer itself."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: object | None = None,
        headers: Mapping[str, str] | None = None,
        status: int | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.headers = dict(headers or {})
        self.status = status or STATUS_BY_CODE[code]
