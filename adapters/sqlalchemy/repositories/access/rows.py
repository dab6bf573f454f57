"""Row ↔ domain mapping for the RBAC tables (shared by the RBAC repositories)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.tables.access import memberships, roles
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.permissions import Permission, ScopeKind
from domain.access.roles import DEFAULT_ROLES_BY_ID, Role
from domain.access.team import Project, Team
from domain.access.visibility import Visibility


def labelled(table: sa.Table, prefix: str) -> list[sa.Label[Any]]:
    return [c.label(f"{prefix}{c.name}") for c in table.c]


def _cols(row: Any, prefix: str) -> dict[str, Any]:
    return {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}


def organization_from(row: Any, prefix: str = "") -> Organization:
    c = _cols(row, prefix) if prefix else dict(row)
    return Organization(
        id=c["id"],
        name=c["name"],
        slug=c["slug"],
        is_public=c["is_public"],
        join_enabled=c["join_enabled"],
        created_at=c["created_at"],
        updated_at=c["updated_at"],
        timezone=c["timezone"],
        description=c["description"],
        website=c["website"],
        logo_url=c["logo_url"],
        deleted_at=c["deleted_at"],
    )


def organization_values(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "slug": org.slug,
        "is_public": org.is_public,
        "join_enabled": org.join_enabled,
        "timezone": org.timezone,
        "description": org.description,
        "website": org.website,
        "logo_url": org.logo_url,
        "created_at": org.created_at,
        "updated_at": org.updated_at,
        "deleted_at": org.deleted_at,
    }


def team_from(row: Any, prefix: str = "") -> Team:
    c = _cols(row, prefix) if prefix else dict(row)
    return Team(
        id=c["id"],
        organization_id=c["organization_id"],
        name=c["name"],
        slug=c["slug"],
        visibility=Visibility(c["visibility"]),
        created_at=c["created_at"],
        updated_at=c["updated_at"],
        description=c["description"],
        join_enabled=c["join_enabled"],
        deleted_at=c["deleted_at"],
    )


def team_values(team: Team) -> dict[str, Any]:
    return {
        "id": team.id,
        "organization_id": team.organization_id,
        "name": team.name,
        "slug": team.slug,
        "visibility": team.visibility.value,
        "description": team.description,
        "join_enabled": team.join_enabled,
        "created_at": team.created_at,
        "updated_at": team.updated_at,
        "deleted_at": team.deleted_at,
    }


def project_from(row: Any, prefix: str = "") -> Project:
    c = _cols(row, prefix) if prefix else dict(row)
    return Project(
        id=c["id"],
        organization_id=c["organization_id"],
        team_id=c["team_id"],
        name=c["name"],
        slug=c["slug"],
        visibility=Visibility(c["visibility"]),
        created_by=c["created_by"],
        created_at=c["created_at"],
        updated_at=c["updated_at"],
        description=c["description"],
        deleted_at=c["deleted_at"],
    )


def project_values(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "organization_id": project.organization_id,
        "team_id": project.team_id,
        "name": project.name,
        "slug": project.slug,
        "visibility": project.visibility.value,
        "description": project.description,
        "created_by": project.created_by,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
        "deleted_at": project.deleted_at,
    }


ROLE_COLUMNS = [
    roles.c.organization_id.label("r_organization_id"),
    roles.c.scope_type.label("r_scope_type"),
    roles.c.name.label("r_name"),
    roles.c.permissions.label("r_permissions"),
]
MEMBERSHIP_COLUMNS = [
    memberships.c.user_id.label("m_user_id"),
    memberships.c.role_id.label("m_role_id"),
    memberships.c.organization_id.label("m_organization_id"),
    memberships.c.team_id.label("m_team_id"),
    memberships.c.project_id.label("m_project_id"),
]


def role_from(row: Any, role_id: str) -> Role | None:
    """A default role by id, else the custom role in the ``r_`` columns (None if gone)."""
    default = DEFAULT_ROLES_BY_ID.get(role_id)
    if default is not None:
        return default
    if row.get("r_name") is None:
        return None
    return Role(
        role_id,
        row["r_name"],
        ScopeKind(row["r_scope_type"]),
        frozenset(Permission(p) for p in row["r_permissions"]),
        row["r_organization_id"],
    )


def membership_from(row: Any) -> Membership | None:
    if row.get("m_role_id") is None:
        return None
    role = role_from(row, row["m_role_id"])
    if role is None:
        return None
    return Membership(
        row["m_user_id"], role, row["m_organization_id"], row["m_team_id"], row["m_project_id"]
    )


def role_values(role: Role) -> dict[str, Any]:
    return {
        "id": role.id,
        "organization_id": role.organization_id,
        "scope_type": role.scope.value,
        "name": role.name,
        "name_key": role.name.casefold(),
        "permissions": sorted(p.value for p in role.permissions),
    }
