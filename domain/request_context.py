"""Where a change came from: the one request-metadata type, from the HTTP edge to the records.

Audit entries and payment events store it; a job or the scheduler passes ``RequestContext()``
(no request). The HTTP layer builds it once per request (``entrypoints/http/routing.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_USER_AGENT = 500  # longer headers are cut when recorded: the columns are bounded


@dataclass(frozen=True)
class RequestContext:
    """The request id, client IP and user agent of the request that caused a change."""

    request_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None

    @property
    def recorded_user_agent(self) -> str | None:
        """The user agent as stored with a record (at most ``MAX_USER_AGENT`` characters)."""
        return self.user_agent[:MAX_USER_AGENT] if self.user_agent else None


NO_REQUEST = RequestContext()
"""A change made by a job, the scheduler or the CLI rather than by an HTTP request."""
