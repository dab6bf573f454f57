"""An organization's audit trail in one statement: its own entries and its teams' and projects'."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.paging import read_page
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import entity_of, entity_row
from adapters.sqlalchemy.tables.access import projects, teams
from adapters.sqlalchemy.tables.audit import audit_log
from adapters.sqlalchemy.tables.identity import person_name_columns, users
from application.audit.ports import AuditRecord
from application.pagination import Page, PageRequest
from application.ports.audit import AuditEntry
from domain.identity.user import person_name
from domain.request_context import RequestContext


@REPOSITORIES.register("audit_trail")
class SqlOrganizationAuditTrail(SqlRepository):
    async def for_organization(self, organization_id: str, page: PageRequest) -> Page[AuditRecord]:
        a, u = audit_log.c, users.c
        team_ids = sa.select(teams.c.id).where(teams.c.organization_id == organization_id)
        project_ids = sa.select(projects.c.id).where(projects.c.organization_id == organization_id)
        stmt = (
            sa.select(audit_log, *person_name_columns)
            .select_from(audit_log.outerjoin(users, u.id == a.actor_id))
            .where(
                sa.or_(
                    sa.and_(a.scope_type == "organization", a.scope_id == organization_id),
                    sa.and_(a.scope_type == "team", a.scope_id.in_(team_ids)),
                    sa.and_(a.scope_type == "project", a.scope_id.in_(project_ids)),
                )
            )
        )
        return await read_page(self._conn, stmt, page, _record, id=a.id)  # UUIDv7: time order


def _record(r: Any) -> AuditRecord:
    return AuditRecord(_entry(r), person_name(r.first_name, r.last_name, r.username))


def _entry(r: Any) -> AuditEntry:
    return entity_of(AuditEntry, r, context=RequestContext(r.request_id, r.ip, r.user_agent))


def audit_row(entry: AuditEntry) -> dict[str, Any]:
    """The ``audit_log`` row of ``entry`` (also written by the ledger's one-statement path)."""
    before, after = entry.before, entry.after
    return entity_row(
        entry,
        omit=("context",),
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        request_id=entry.context.request_id,
        ip=entry.context.ip,
        user_agent=entry.context.user_agent,
    )


@REPOSITORIES.register("audit")
class SqlAuditLog(SqlRepository):
    async def append(self, entry: AuditEntry) -> None:
        await self._conn.execute(sa.insert(audit_log).values(**audit_row(entry)))

    async def list_for_scope(
        self, scope_type: str, scope_ids: list[str], page: PageRequest
    ) -> Page[AuditEntry]:
        a = audit_log.c
        stmt = sa.select(audit_log).where(a.scope_type == scope_type, a.scope_id.in_(scope_ids))
        return await read_page(self._conn, stmt, page, _entry, id=a.id)
