"""Audit entries for every membership, role, settings and deletion change of this context."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from application.ports.audit import AuditEntry, AuditLog
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.roles import Role
from domain.access.scopes import ScopeRef
from domain.access.team import Project, Team
from domain.request_context import RequestContext


async def record(
    log: AuditLog,
    *,
    scope: ScopeRef,
    actor_id: str | None,
    action: str,
    target_type: str,
    target_id: str,
    now: datetime,
    ctx: RequestContext,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    await log.append(
        AuditEntry(
            scope_type=scope.kind.value,
            scope_id=scope.id,
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            created_at=now,
            before=before,
            after=after,
            context=ctx,
        )
    )


def organization_state(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "slug": org.slug,
        "isPublic": org.is_public,
        "joinEnabled": org.join_enabled,
        "timezone": org.timezone,
        "description": org.description,
        "website": org.website,
        "logoUrl": org.logo_url,
        "deleted": org.deleted_at is not None,
    }


def team_state(team: Team) -> dict[str, Any]:
    return {
        "name": team.name,
        "slug": team.slug,
        "visibility": team.visibility.value,
        "description": team.description,
        "joinEnabled": team.join_enabled,
        "deleted": team.deleted_at is not None,
    }


def project_state(project: Project) -> dict[str, Any]:
    return {
        "name": project.name,
        "slug": project.slug,
        "visibility": project.visibility.value,
        "description": project.description,
        "deleted": project.deleted_at is not None,
    }


def role_state(role: Role) -> dict[str, Any]:
    return {
        "name": role.name,
        "scope": role.scope.value,
        "permissions": sorted(p.value for p in role.permissions),
    }


def membership_state(membership: Membership) -> dict[str, Any]:
    return {"roleId": membership.role.id, "role": membership.role.name}
