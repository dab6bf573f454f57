"""Persistence ports of the organizations/teams/projects context and their read models.

Repositories never commit; the Unit of Work does. Lists take a ``ChildFilter`` (derived from the
caller's memberships by the domain) and must apply it in one query, never row by row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, TypeVar

from application.pagination import Page, PageRequest
from domain.access.list_filters import ChildFilter
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.roles import Role
from domain.access.scopes import ScopeRef
from domain.access.team import Project, Team

UniqueField = Literal["name", "slug"]


@dataclass(frozen=True)
class ScopeChain:
    """A scope with its ancestors and the caller's memberships on each of them (roles resolved)."""

    organization: Organization
    team: Team | None = None
    project: Project | None = None
    memberships: tuple[Membership, ...] = ()
    member_count: int | None = None  # of the most specific scope, when the loader counts it
    child_count: int | None = None  # its teams / projects, when the loader counts it


@dataclass(frozen=True)
class OrganizationSummary:
    organization: Organization
    role: Role
    member_count: int
    team_count: int


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    member_count: int
    project_count: int


@dataclass(frozen=True)
class ProjectSummary:
    project: Project
    member_count: int


@dataclass(frozen=True)
class MemberView:
    user_id: str
    name: str | None
    email: str | None
    role: Role
    joined_at: datetime


class ScopeChainReader(Protocol):
    """Loads what one authorization decision needs, in as few statements as possible."""

    async def organization(self, ref: str, user_id: str | None) -> ScopeChain | None:
        """``ref`` is an id or a slug."""
        ...

    async def team(
        self, team_id: str, user_id: str | None, *, counts: bool = False
    ) -> ScopeChain | None: ...

    async def project(
        self, project_id: str, user_id: str | None, *, counts: bool = False
    ) -> ScopeChain | None: ...


class VisibleChildren(Protocol):
    """Pages of the children a ``ChildFilter`` admits, each in ONE statement (plain reads)."""

    async def teams(
        self, organization_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[TeamSummary]: ...

    async def projects(
        self, team_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[ProjectSummary]: ...


class OrganizationRepository(Protocol):
    async def add(self, organization: Organization) -> None:
        """Insert; raises ``NameTaken`` when a concurrent insert took the name or slug."""
        ...

    async def save(self, organization: Organization) -> None:
        """Update; ``NameTaken`` as ``add`` (teams and projects alike, within their parent)."""
        ...

    async def lock(self, organization_id: str) -> None:
        """Hold the organization's row until the transaction ends (a no-op where writes are
        already serialised)."""
        ...

    async def taken(
        self, field: UniqueField, values: list[str], exclude_id: str | None = None
    ) -> set[str]:
        """Which of ``values`` other organizations (deleted ones included) already use."""
        ...

    async def list_for_member(self, user_id: str, page: PageRequest) -> Page[OrganizationSummary]:
        """The non-deleted organizations ``user_id`` belongs to, with their role, in one query."""
        ...


S_contra = TypeVar("S_contra", contravariant=True)


class ChildScopeRepository(Protocol[S_contra]):
    """Teams (under an organization) and projects (under a team) alike."""

    async def add(self, scope: S_contra) -> None: ...

    async def save(self, scope: S_contra) -> None: ...

    async def taken(
        self, parent_id: str, field: UniqueField, values: list[str], exclude_id: str | None = None
    ) -> set[str]:
        """Which of ``values`` other scopes under ``parent_id`` (deleted ones included) use."""
        ...


class TeamRepository(ChildScopeRepository[Team], Protocol):
    async def list_visible(
        self, organization_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[TeamSummary]:
        """Non-deleted teams of the organization admitted by ``flt``, in one statement."""
        ...


class ProjectRepository(ChildScopeRepository[Project], Protocol):
    async def list_visible(
        self, team_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[ProjectSummary]: ...


class RoleRepository(Protocol):
    """Custom roles only; the default roles are data in ``domain.access.roles``. A role's name is
    unique (case-insensitively) per organization and scope kind: ``add``/``save`` raise
    ``DuplicateKey`` otherwise (the use cases check first)."""

    async def list_for_organization(self, organization_id: str) -> tuple[Role, ...]: ...

    async def add(self, role: Role) -> None: ...

    async def save(self, role: Role) -> None: ...

    async def delete(self, role_id: str) -> None: ...

    async def holders(self, role_id: str) -> int: ...


class MembershipRepository(Protocol):
    async def get(self, user_id: str, scope: ScopeRef) -> Membership | None: ...

    async def put(self, membership: Membership, now: datetime) -> None:
        """Insert, or replace the role of the user's membership on that scope (one per scope)."""
        ...

    async def remove_with_below(self, user_id: str, scope: ScopeRef) -> list[Membership]:
        """Delete the membership on ``scope`` and every one of the user's below it."""
        ...

    async def count_role(self, organization_id: str, role_id: str) -> int:
        """How many hold ``role_id`` on the organization itself (the Owner count)."""
        ...

    async def list_members(self, scope: ScopeRef, page: PageRequest) -> Page[MemberView]:
        """Direct members of the scope, oldest first."""
        ...
