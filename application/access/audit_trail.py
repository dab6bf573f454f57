"""What the audit trail shows of this context's things before and after a change (the entries
themselves go through ``application.audit.writer.AuditWriter``)."""

from __future__ import annotations

from typing import Any

from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.roles import Role
from domain.access.team import Project, Team


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
        "repositoryUrl": project.repository_url,
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
