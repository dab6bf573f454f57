"""In-memory twin of the organization audit trail read model."""

from __future__ import annotations

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository
from adapters.memory.store import MemoryState
from application.audit.ports import AuditRecord
from application.pagination import Page, PageRequest
from application.ports.audit import AuditEntry


@REPOSITORIES.register("audit_trail")
class MemoryOrganizationAuditTrail:
    def __init__(self, state: MemoryState):
        self._state = state

    async def for_organization(self, organization_id: str, page: PageRequest) -> Page[AuditRecord]:
        rbac = self._state.access
        scopes = {("organization", organization_id)}
        scopes |= {
            ("team", t.id) for t in rbac.teams.values() if t.organization_id == organization_id
        }
        scopes |= {
            ("project", p.id)
            for p in rbac.projects.values()
            if p.organization_id == organization_id
        }
        entries = sorted(
            (e for e in self._state.audit.entries if (e.scope_type, e.scope_id) in scopes),
            key=lambda e: e.id,
            reverse=True,
        )
        chosen = newest_first(entries, page, lambda e: ("", e.id))
        return Page([self._record(e) for e in chosen.items], chosen.next_cursor)

    def _record(self, entry: AuditEntry) -> AuditRecord:
        user = self._state.identity.users.get(entry.actor_id) if entry.actor_id else None
        return AuditRecord(entry, user.display_name if user else None)


@REPOSITORIES.register("audit")
class MemoryAuditLog(MemoryRepository):
    async def append(self, entry: AuditEntry) -> None:
        self._s.audit.entries.append(entry)

    async def list_for_scope(
        self, scope_type: str, scope_ids: list[str], page: PageRequest
    ) -> Page[AuditEntry]:
        items = sorted(
            (
                e
                for e in self._s.audit.entries
                if e.scope_type == scope_type and e.scope_id in scope_ids
            ),
            key=lambda e: e.id,
            reverse=True,  # as SQL: by id (UUIDv7, time order), not by the order of appends
        )
        return newest_first(items, page, lambda e: ("", e.id))
