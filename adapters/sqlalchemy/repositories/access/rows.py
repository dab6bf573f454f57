"""Row ↔ domain mapping for the access tables (shared by the access repositories)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

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


Scope = TypeVar("Scope", Organization, Team, Project)


def scope_from(cls: type[Scope], row: Any, prefix: str = "") -> Scope:
    """An organization, team or project from its row (columns named as the dataclass fields,
    under ``prefix`` when the statement joins several scopes)."""
    c = _cols(row, prefix) if prefix else dict(row)
    values = {f.name: c[f.name] for f in fields(cls)}
    if "visibility" in values:
        values["visibility"] = Visibility(values["visibility"])
    return cls(**values)


def scope_values(scope: Organization | Team | Project) -> dict[str, Any]:
    values = {f.name: getattr(scope, f.name) for f in fields(scope)}
    if "visibility" in values:
        values["visibility"] = values["visibility"].value
    return values


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
