"""Read model of the audit trail of one organization (its teams and projects included)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from application.pagination import Page, PageRequest
from application.ports.audit import AuditEntry


@dataclass(frozen=True)
class AuditRecord:
    entry: AuditEntry
    actor_name: str | None


class OrganizationAuditTrail(Protocol):
    async def for_organization(self, organization_id: str, page: PageRequest) -> Page[AuditRecord]:
        """Entries on the organization and on every team and project it holds (deleted ones
        included), newest first, in one query."""
        ...
