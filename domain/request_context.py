"""Where a change came from: the one request-metadata type, from the HTTP edge to the records.

Audit entries and payment events store it; a job or the scheduler passes ``NO_REQUEST``. The HTTP
layer builds it once per request (``entrypoints/http/routing.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.bounded_text import clipped

# The widths of the columns that keep request metadata (audit_log, payment_events).
MAX_REQUEST_ID_LENGTH = 100
MAX_IP_LENGTH = 64
MAX_USER_AGENT_LENGTH = 500


@dataclass(frozen=True)
class RequestContext:
    """The request id, client IP and user agent of the request that caused a change.

    Every field is client-controlled (headers, X-Forwarded-For), so the context bounds itself
    here, once, for every table that stores it: a long User-Agent is kept clipped, never a 500.
    """

    request_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "request_id", clipped(self.request_id, MAX_REQUEST_ID_LENGTH))
        object.__setattr__(self, "ip", clipped(self.ip, MAX_IP_LENGTH))
        object.__setattr__(self, "user_agent", clipped(self.user_agent, MAX_USER_AGENT_LENGTH))


NO_REQUEST = RequestContext()
"""A change made by a job, the scheduler or the CLI rather than by an HTTP request."""
