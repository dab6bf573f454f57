"""An append-only audit trail of who changed what."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from application.bounded_text import clipped
from application.pagination import Page, PageRequest
from domain.ids import new_id

# The widths of the columns that keep request metadata (audit_log, payment_events).
MAX_REQUEST_ID_LENGTH = 100
MAX_IP_LENGTH = 64
MAX_USER_AGENT_LENGTH = 500


@dataclass(frozen=True)
class RequestContext:
    """Where a change came from; carried into audit entries and payment events.

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


@dataclass(frozen=True)
class AuditEntry:
    scope_type: str  # "organization", "team", "project", "user", "platform"
    scope_id: str
    actor_id: str | None
    action: str  # e.g. "member.role_changed"
    target_type: str
    target_id: str
    created_at: datetime
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    context: RequestContext = field(default_factory=RequestContext)
    id: str = field(default_factory=new_id)


class AuditLog(Protocol):
    async def append(self, entry: AuditEntry) -> None: ...

    async def list_for_scope(
        self, scope_type: str, scope_ids: list[str], page: PageRequest
    ) -> Page[AuditEntry]: ...
