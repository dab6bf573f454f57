"""Permission strings (API.md "Permissions and default roles") and the scope each belongs to."""

from __future__ import annotations

from enum import StrEnum

from domain.access.errors import UnknownPermission


class ScopeKind(StrEnum):
    """The three nested scopes: an organization holds teams, a team holds projects."""

    ORGANIZATION = "organization"
    TEAM = "team"
    PROJECT = "project"

    @property
    def parent(self) -> ScopeKind | None:
        return _PARENT[self]

    @property
    def child(self) -> ScopeKind | None:
        return _CHILD[self]


_PARENT: dict[ScopeKind, ScopeKind | None] = {
    ScopeKind.ORGANIZATION: None,
    ScopeKind.TEAM: ScopeKind.ORGANIZATION,
    ScopeKind.PROJECT: ScopeKind.TEAM,
}
_CHILD: dict[ScopeKind, ScopeKind | None] = {
    ScopeKind.ORGANIZATION: ScopeKind.TEAM,
    ScopeKind.TEAM: ScopeKind.PROJECT,
    ScopeKind.PROJECT: None,
}


class Permission(StrEnum):
    """Every permission the system knows; the value is the API string."""

    ORG_READ = "org:read"
    ORG_UPDATE = "org:update"
    ORG_DELETE = "org:delete"
    ORG_BILLING_MANAGE = "org:billing:manage"
    ORG_MEMBERS_READ = "org:members:read"
    ORG_MEMBERS_INVITE = "org:members:invite"
    ORG_MEMBERS_MANAGE = "org:members:manage"
    ORG_ROLES_MANAGE = "org:roles:manage"
    ORG_TEAMS_CREATE = "org:teams:create"
    ORG_AUDIT_READ = "org:audit:read"

    TEAM_READ = "team:read"
    TEAM_UPDATE = "team:update"
    TEAM_DELETE = "team:delete"
    TEAM_MEMBERS_READ = "team:members:read"
    TEAM_MEMBERS_INVITE = "team:members:invite"
    TEAM_MEMBERS_MANAGE = "team:members:manage"
    TEAM_PROJECTS_CREATE = "team:projects:create"
    TEAM_AUDIT_READ = "team:audit:read"

    PROJECT_READ = "project:read"
    PROJECT_UPDATE = "project:update"
    PROJECT_DELETE = "project:delete"
    PROJECT_MEMBERS_READ = "project:members:read"
    PROJECT_MEMBERS_INVITE = "project:members:invite"
    PROJECT_MEMBERS_MANAGE = "project:members:manage"

    @property
    def scope(self) -> ScopeKind:
        return _SCOPE_BY_PREFIX[self.value.split(":", 1)[0]]


_SCOPE_BY_PREFIX = {
    "org": ScopeKind.ORGANIZATION,
    "team": ScopeKind.TEAM,
    "project": ScopeKind.PROJECT,
}

PERMISSIONS_BY_SCOPE: dict[ScopeKind, frozenset[Permission]] = {
    kind: frozenset(p for p in Permission if p.scope is kind) for kind in ScopeKind
}

_PREFIX = {kind: prefix for prefix, kind in _SCOPE_BY_PREFIX.items()}


def each_scope(action: str) -> dict[ScopeKind, Permission]:
    """``<scope>:<action>`` for every scope kind: ``each_scope("read")`` is org:read, team:read
    and project:read, by kind."""
    return {kind: Permission(f"{_PREFIX[kind]}:{action}") for kind in ScopeKind}


# The permission that makes a scope visible at all; without it the caller gets "not found".
READ_PERMISSION = each_scope("read")
UPDATE_PERMISSION = each_scope("update")
DELETE_PERMISSION = each_scope("delete")
MEMBERS_READ_PERMISSION = each_scope("members:read")
MEMBERS_MANAGE_PERMISSION = each_scope("members:manage")
MEMBERS_INVITE_PERMISSION = each_scope("members:invite")

# Creating a team or project is a permission on its parent (an organization has none):
# org:teams:create, team:projects:create.
CREATE_CHILD_PERMISSION: dict[ScopeKind, Permission] = {
    kind: Permission(f"{_PREFIX[kind.parent]}:{kind}s:create")
    for kind in ScopeKind
    if kind.parent is not None
}


def parse_permissions(
    values: list[str] | tuple[str, ...], scope: ScopeKind
) -> frozenset[Permission]:
    """The permissions named by ``values``; each must exist and belong to ``scope``."""
    unknown = [v for v in values if v not in _BY_VALUE]
    if unknown:
        raise UnknownPermission(unknown)
    parsed = frozenset(_BY_VALUE[v] for v in values)
    foreign = sorted(p.value for p in parsed if p.scope is not scope)
    if foreign:
        raise UnknownPermission(foreign, scope=scope.value)
    return parsed


_BY_VALUE = {p.value: p for p in Permission}
