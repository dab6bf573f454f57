"""The organization audit trail (API.md "Organizations": ``GET /organization/{orgId}/audit``)."""

from __future__ import annotations

from application.audit.organization_audit import ReadOrganizationAudit
from application.audit.ports import AuditRecord
from application.pagination import Page
from entrypoints.http.routing import ApiRoutes, Call, NoBody
from entrypoints.http.schemas.base import PageQuery, shown
from entrypoints.http.schemas.invitations import ActorOut, AuditEntryOut, AuditTargetOut

routes = ApiRoutes(tag="organizations")


def audit_out(record: AuditRecord) -> AuditEntryOut:
    e = record.entry
    return shown(
        AuditEntryOut,
        e,
        actor=ActorOut(id=e.actor_id, name=record.actor_name) if e.actor_id else None,
        target=AuditTargetOut(type=e.target_type, id=e.target_id),
        scope=AuditTargetOut(type=e.scope_type, id=e.scope_id),
        before=dict(e.before) if e.before is not None else None,
        after=dict(e.after) if e.after is not None else None,
        request_id=e.context.request_id,
    )


@routes.page(
    "/api/v1/organization/{orgId}/audit",
    AuditEntryOut,
    show=audit_out,
    summary="The organization's audit trail, newest first (teams and projects included); "
    "org:audit:read",
)
async def organization_audit(
    call: Call[NoBody, PageQuery], read_organization_audit: ReadOrganizationAudit
) -> Page[AuditRecord]:
    return await read_organization_audit(call.user, call.path["orgId"], call.query.paging)
