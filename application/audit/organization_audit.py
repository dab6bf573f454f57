"""``GET /organization/{orgId}/audit``: the organization's trail for those with org:audit:read."""

from __future__ import annotations

from dataclasses import dataclass

from application.access.authorizer import Authorizer
from application.audit.ports import AuditRecord
from application.audit.unit_of_work import AuditUnitOfWork
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.permissions import Permission


@dataclass(frozen=True, eq=False)
class ReadOrganizationAudit:
    """Audit entries of an organization, newest first (the table itself is append-only)."""

    uow: UnitOfWorkFactory[AuditUnitOfWork]
    authorizer: Authorizer

    async def __call__(self, caller: Principal, ref: str, page: PageRequest) -> Page[AuditRecord]:
        async with self.uow() as uow:
            access = await self.authorizer.organization(
                uow.scopes, caller.user_id, ref, Permission.ORG_AUDIT_READ
            )
            return await uow.audit_trail.for_organization(access.organization.id, page)
