"""An append-only audit trail of who changed what."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from application.pagination import Page, PageRequest
from domain.ids import new_id
from domain.request_context import RequestContext


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
