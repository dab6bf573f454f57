"""Roles: named permission sets of one scope. The defaults are data shared by every organization
(stable ids, never stored per organization); custom roles belong to one organization."""

from __future__ import annotations

from dataclasses import dataclass

from domain.access.errors import UnknownRole
from domain.access.permissions import PERMISSIONS_BY_SCOPE, Permission, ScopeKind

P = Permission


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    scope: ScopeKind
    permissions: frozenset[Permission]
    organization_id: str | None = None  # None: a default role

    @property
    def is_default(self) -> bool:
        return self.organization_id is None


def _role(role_id: str, name: str, scope: ScopeKind, perms: frozenset[Permission]) -> Role:
    return Role(id=role_id, name=name, scope=scope, permissions=perms)


_ORG = PERMISSIONS_BY_SCOPE[ScopeKind.ORGANIZATION]
_TEAM = PERMISSIONS_BY_SCOPE[ScopeKind.TEAM]
_PROJECT = PERMISSIONS_BY_SCOPE[ScopeKind.PROJECT]

ORG_OWNER = _role("org.owner", "Owner", ScopeKind.ORGANIZATION, _ORG)
ORG_CO_OWNER = _role(
    "org.co-owner", "Co-Owner", ScopeKind.ORGANIZATION, _ORG - {P.ORG_DELETE, P.ORG_BILLING_MANAGE}
)
ORG_MAINTAINER = _role(
    "org.maintainer",
    "Maintainer",
    ScopeKind.ORGANIZATION,
    frozenset({P.ORG_READ, P.ORG_MEMBERS_READ, P.ORG_MEMBERS_INVITE, P.ORG_TEAMS_CREATE}),
)
ORG_MEMBER = _role(
    "org.member", "Member", ScopeKind.ORGANIZATION, frozenset({P.ORG_READ, P.ORG_MEMBERS_READ})
)

TEAM_OWNER = _role("team.owner", "Owner", ScopeKind.TEAM, _TEAM)
TEAM_ADMIN = _role("team.admin", "Admin", ScopeKind.TEAM, _TEAM - {P.TEAM_DELETE})
TEAM_MEMBER = _role(
    "team.member",
    "Member",
    ScopeKind.TEAM,
    frozenset({P.TEAM_READ, P.TEAM_MEMBERS_READ, P.TEAM_PROJECTS_CREATE}),
)

PROJECT_OWNER = _role("project.owner", "Owner", ScopeKind.PROJECT, _PROJECT)
PROJECT_EDITOR = _role(
    "project.editor",
    "Editor",
    ScopeKind.PROJECT,
    frozenset({P.PROJECT_READ, P.PROJECT_UPDATE, P.PROJECT_MEMBERS_READ, P.PROJECT_MEMBERS_INVITE}),
)
PROJECT_VIEWER = _role(
    "project.viewer",
    "Viewer",
    ScopeKind.PROJECT,
    frozenset({P.PROJECT_READ, P.PROJECT_MEMBERS_READ}),
)

# Strongest first, per scope (the order lists show them in).
DEFAULT_ROLES: dict[ScopeKind, tuple[Role, ...]] = {
    ScopeKind.ORGANIZATION: (ORG_OWNER, ORG_CO_OWNER, ORG_MAINTAINER, ORG_MEMBER),
    ScopeKind.TEAM: (TEAM_OWNER, TEAM_ADMIN, TEAM_MEMBER),
    ScopeKind.PROJECT: (PROJECT_OWNER, PROJECT_EDITOR, PROJECT_VIEWER),
}
DEFAULT_ROLES_BY_ID: dict[str, Role] = {r.id: r for rs in DEFAULT_ROLES.values() for r in rs}

# What the creator of a scope, or someone joining it without a stated role, receives.
CREATOR_ROLE = {kind: roles[0] for kind, roles in DEFAULT_ROLES.items()}
JOINER_ROLE = {kind: roles[-1] for kind, roles in DEFAULT_ROLES.items()}
OWNER_ROLE_ID = ORG_OWNER.id

ROLE_NAME_MAX = 50


def resolve_role(ref: str, scope: ScopeKind, custom: tuple[Role, ...] = ()) -> Role:
    """The role of ``scope`` whose id or (case-insensitive) name is ``ref``; defaults first."""
    candidates = (*DEFAULT_ROLES[scope], *(r for r in custom if r.scope is scope))
    for role in candidates:
        if role.id == ref:
            return role
    folded = ref.strip().casefold()
    for role in candidates:
        if role.name.casefold() == folded:
            return role
    raise UnknownRole(ref)


def is_default_role_name(name: str, scope: ScopeKind) -> bool:
    return any(r.name.casefold() == name.strip().casefold() for r in DEFAULT_ROLES[scope])
