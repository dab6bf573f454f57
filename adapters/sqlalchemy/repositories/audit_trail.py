"""An organization's audit trail in one statement: its own entries and its teams' and projects'."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables.identity import users
from adapters.sqlalchemy.tables.platform import audit_log
from adapters.sqlalchemy.tables.rbac import projects, teams
from application.audit.ports import AuditRecord
from application.pagination import Page, PageRequest, encode_cursor
from application.ports.audit import AuditEntry, RequestContext


class SqlOrganizationAuditTrail:
    def __init__(self, conn: AsyncConnection):
        self._conn = conn

    async def for_organization(self, organization_id: str, page: PageRequest) -> Page[AuditRecord]:
        a, u = audit_log.c, users.c
        team_ids = sa.select(teams.c.id).where(teams.c.organization_id == organization_id)
        project_ids = sa.select(projects.c.id).where(projects.c.organization_id == organization_id)
        stmt = (
            sa.select(audit_log, u.first_name, u.last_name, u.username)
            .select_from(audit_log.outerjoin(users, u.id == a.actor_id))
            .where(
                sa.or_(
                    sa.and_(a.scope_type == "organization", a.scope_id == organization_id),
                    sa.and_(a.scope_type == "team", a.scope_id.in_(team_ids)),
                    sa.and_(a.scope_type == "project", a.scope_id.in_(project_ids)),
                )
            )
        )
        if page.after is not None:
            stmt = stmt.where(a.id < page.after[1])  # UUIDv7 ids: time order
        rows = (await self._conn.execute(stmt.order_by(a.id.desc()).limit(page.limit + 1))).all()
        items = [_record(r) for r in rows[: page.limit]]
        more = len(rows) > page.limit
        return Page(items, encode_cursor("", items[-1].entry.id) if more else None)


def _record(r: Any) -> AuditRecord:
    name = " ".join(p for p in (r.first_name, r.last_name) if p) or r.username or None
    entry = AuditEntry(
        scope_type=r.scope_type,
        scope_id=r.scope_id,
        actor_id=r.actor_id,
        action=r.action,
        target_type=r.target_type,
        target_id=r.target_id,
        created_at=r.created_at,
        before=r.before,
        after=r.after,
        context=RequestContext(r.request_id, r.ip, r.user_agent),
        id=r.id,
    )
    return AuditRecord(entry, name)
