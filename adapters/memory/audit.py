"""In-memory twin of the organization audit trail read model."""

from __future__ import annotations

from adapters.memory.paging import newest_first
from adapters.memory.store import MemoryState
from application.audit.ports import AuditRecord
from application.pagination import Page, PageRequest, encode_cursor
from application.ports.audit import AuditEntry


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
        if page.after is not None:
            entries = [e for e in entries if e.id < page.after[1]]
        chosen = entries[: page.limit]
        items = []
        for e in chosen:
            user = self._state.identity.users.get(e.actor_id) if e.actor_id else None
            items.append(AuditRecord(e, user.display_name if user else None))
        more = len(entries) > page.limit
        return Page(items, encode_cursor("", chosen[-1].id) if more else None)


class MemoryAuditLog:
    def __init__(self, state: MemoryState):
        self._s = state

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
