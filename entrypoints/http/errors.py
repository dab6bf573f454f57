"""The HTTP-only errors (rate limits, 405, 413, maintenance...) decided by the HTTP layer itself.

Domain and application errors declare their own status and headers on their class
(``domain/errors.py``); the error middleware reads them. This table covers only the codes the
HTTP layer raises on its own.
"""

from __future__ import annotations

from collections.abc import Mapping

HTTP_STATUS_BY_CODE: dict[str, int] = {
    "AUTH_REQUIRED": 401,
    "FORBIDDEN": 403,
    "METHOD_NOT_ALLOWED": 405,
    "VALIDATION_ERROR": 400,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "RATE_LIMITED": 429,
    "MAINTENANCE": 503,
    "SERVICE_UNAVAILABLE": 503,
}


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
        self.status = status or HTTP_STATUS_BY_CODE[code]
