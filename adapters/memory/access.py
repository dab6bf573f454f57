"""In-memory organizations, teams, projects, custom roles and memberships (unit tests and the
embedded default). Lists apply the same ``ChildFilter`` the SQL adapter turns into a WHERE."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from adapters.memory.paging import by_id
from adapters.memory.registry import REPOSITORIES
from adapters.memory.store import AccessState, MemoryState, MemoryStore, StoredMembership
from application.access.ports import (
    MemberView,
    OrganizationSummary,
    ProjectSummary,
    ScopeChain,
    TeamSummary,
    UniqueField,
)
from application.access.scope_types import ScopeEntity
from application.pagination import Page, PageRequest
from application.ports.storage_errors import DuplicateKey
from domain.access.errors import NameTaken
from domain.access.list_filters import ChildFilter
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.permissions import ScopeKind
from domain.access.roles import Role
from domain.access.scopes import ScopeRef
from domain.access.slugs import ID_SHAPE
from domain.access.team import Project, Team
from domain.ids import new_id

S = TypeVar("S", bound=ScopeEntity)
C = TypeVar("C", Team, Project)  # the kinds with a parent and a visibility
Summary = TypeVar("Summary", TeamSummary, ProjectSummary)


def _unique(new: ScopeEntity, rows: list[S]) -> None:
    for row in rows:
        if row.id != new.id and row.slug == new.slug:
            raise NameTaken("slug", new.slug, None)
        if row.id != new.id and row.name == new.name:
            raise NameTaken("name", new.name, None)


def _live_teams(s: AccessState, organization_id: str) -> int:
    return sum(
        1 for t in s.teams.values() if t.organization_id == organization_id and t.deleted_at is None
    )


def _live_projects(s: AccessState, team_id: str) -> int:
    return sum(1 for p in s.projects.values() if p.team_id == team_id and p.deleted_at is None)


class _Access:
    def __init__(self, state: MemoryState):
        self._state = state

    @property
    def _s(self) -> AccessState:
        # Looked up each time: a rollback swaps the parts of MemoryState.
        return self._state.access


@REPOSITORIES.register("scopes")
class MemoryScopeChainReader(_Access):
    def _count(self, scope_id: str) -> int:
        return len(self._s.members_of(scope_id))

    async def organization(self, ref: str, user_id: str | None) -> ScopeChain | None:
        by_id = ID_SHAPE.match(ref)
        org = next(
            (o for o in self._s.organizations.values() if (o.id if by_id else o.slug) == ref), None
        )
        if org is None:
            return None
        return ScopeChain(org, memberships=self._s.held(user_id, [org.id]))

    async def team(
        self, team_id: str, user_id: str | None, *, counts: bool = False
    ) -> ScopeChain | None:
        team = self._s.teams.get(team_id)
        if team is None:
            return None
        org = self._s.organizations[team.organization_id]
        return ScopeChain(
            org,
            team,
            memberships=self._s.held(user_id, [org.id, team.id]),
            member_count=self._count(team.id) if counts else None,
            child_count=_live_projects(self._s, team.id) if counts else None,
        )

    async def project(
        self, project_id: str, user_id: str | None, *, counts: bool = False
    ) -> ScopeChain | None:
        project = self._s.projects.get(project_id)
        if project is None:
            return None
        team = self._s.teams[project.team_id]
        org = self._s.organizations[team.organization_id]
        held = self._s.held(user_id, [org.id, team.id, project.id])
        return ScopeChain(
            org, team, project, held, member_count=self._count(project.id) if counts else None
        )


class MemoryScopeReads(MemoryScopeChainReader):
    """The chain reader outside a unit of work (reads the committed state)."""

    def __init__(self, store: MemoryStore):
        super().__init__(store.state)
        self._store = store

    async def teams(
        self, organization_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[TeamSummary]:
        return await MemoryTeamRepository(self._store.state).list_visible(
            organization_id, flt, page
        )

    async def projects(
        self, team_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[ProjectSummary]:
        return await MemoryProjectRepository(self._store.state).list_visible(team_id, flt, page)


class _Scopes(_Access, Generic[S]):
    """One kind's rows: names and slugs are unique among those with the same parent."""

    def _rows(self) -> dict[str, S]:
        raise NotImplementedError

    def _parent(self, scope: S) -> str | None:
        return None  # organizations: unique across the platform

    def _under(self, parent_id: str | None) -> list[S]:
        return [r for r in self._rows().values() if self._parent(r) == parent_id]

    async def add(self, scope: S) -> None:
        _unique(scope, self._under(self._parent(scope)))
        self._rows()[scope.id] = scope

    async def save(self, scope: S) -> None:
        await self.add(scope)

    def _taken(
        self, parent_id: str | None, field: UniqueField, values: list[str], exclude_id: str | None
    ) -> set[str]:
        used = {getattr(r, field) for r in self._under(parent_id) if r.id != exclude_id}
        return {v for v in values if v in used}


class _ChildScopes(_Scopes[C], Generic[C, Summary]):
    """Teams or projects: unique within their parent, listed as ``Summary`` a page at a time."""

    async def taken(
        self, parent_id: str, field: UniqueField, values: list[str], exclude_id: str | None = None
    ) -> set[str]:
        return self._taken(parent_id, field, values, exclude_id)

    def _visible(self, parent_id: str, flt: ChildFilter) -> list[C]:
        """The live children of ``parent_id`` that ``flt`` admits (the SQL adapter's WHERE)."""
        member, memberships = flt.member_user_id, self._s.memberships
        return [
            c
            for c in self._under(parent_id)
            if c.deleted_at is None
            and flt.admits(c.visibility, member is not None and (member, c.id) in memberships)
        ]

    async def list_visible(
        self, parent_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[Summary]:
        children = by_id(self._visible(parent_id, flt), page, lambda c: c.id)
        return Page([self._summary(c) for c in children.items], children.next_cursor)

    def _summary(self, child: C) -> Summary:
        raise NotImplementedError


@REPOSITORIES.register("organizations")
class MemoryOrganizationRepository(_Scopes[Organization]):
    def _rows(self) -> dict[str, Organization]:
        return self._s.organizations

    async def lock(self, organization_id: str) -> None:
        return None  # the memory store serialises transactions already

    async def taken(
        self, field: UniqueField, values: list[str], exclude_id: str | None = None
    ) -> set[str]:
        return self._taken(None, field, values, exclude_id)

    async def list_for_member(self, user_id: str, page: PageRequest) -> Page[OrganizationSummary]:
        items = []
        for uid, scope_id in self._s.memberships:
            org = self._s.organizations.get(scope_id)
            if uid != user_id or org is None or org.deleted_at is not None:
                continue
            role = self._s.held(user_id, [org.id])[0].role
            members = len(self._s.members_of(org.id))
            items.append(OrganizationSummary(org, role, members, _live_teams(self._s, org.id)))
        return by_id(items, page, lambda i: i.organization.id)


@REPOSITORIES.register("teams")
class MemoryTeamRepository(_ChildScopes[Team, TeamSummary]):
    def _rows(self) -> dict[str, Team]:
        return self._s.teams

    def _parent(self, scope: Team) -> str | None:
        return scope.organization_id

    def _summary(self, child: Team) -> TeamSummary:
        return TeamSummary(
            child, len(self._s.members_of(child.id)), _live_projects(self._s, child.id)
        )


@REPOSITORIES.register("projects")
class MemoryProjectRepository(_ChildScopes[Project, ProjectSummary]):
    def _rows(self) -> dict[str, Project]:
        return self._s.projects

    def _parent(self, scope: Project) -> str | None:
        return scope.team_id

    def _summary(self, child: Project) -> ProjectSummary:
        return ProjectSummary(child, len(self._s.members_of(child.id)))


@REPOSITORIES.register("roles")
class MemoryRoleRepository(_Access):
    async def list_for_organization(self, organization_id: str) -> tuple[Role, ...]:
        return tuple(
            sorted(
                (r for r in self._s.roles.values() if r.organization_id == organization_id),
                key=lambda r: r.id,
            )
        )

    async def add(self, role: Role) -> None:
        if role.id in self._s.roles:
            raise DuplicateKey("role id already stored")
        self._put(role)

    async def save(self, role: Role) -> None:
        self._put(role)

    def _put(self, role: Role) -> None:
        # SQL keeps (organization, scope, case-folded name) unique.
        key = (role.organization_id, role.scope, role.name.casefold())
        if any(
            r.id != role.id and (r.organization_id, r.scope, r.name.casefold()) == key
            for r in self._s.roles.values()
        ):
            raise DuplicateKey("role name already used in this organization and scope")
        self._s.roles[role.id] = role

    async def delete(self, role_id: str) -> None:
        self._s.roles.pop(role_id, None)

    async def holders(self, role_id: str) -> int:
        return sum(1 for s in self._s.memberships.values() if s.membership.role.id == role_id)


@REPOSITORIES.register("memberships")
class MemoryMembershipRepository(_Access):
    async def get(self, user_id: str, scope: ScopeRef) -> Membership | None:
        held = self._s.held(user_id, [scope.id])
        return held[0] if held else None

    async def put(self, membership: Membership, now: datetime) -> None:
        key = (membership.user_id, membership.scope.id)
        stored = self._s.memberships.get(key)
        if stored is None:
            self._s.memberships[key] = StoredMembership(new_id(), membership, now)
        else:
            stored.membership = membership

    async def remove_with_below(self, user_id: str, scope: ScopeRef) -> list[Membership]:
        def goes(m: Membership) -> bool:
            if scope.kind is ScopeKind.ORGANIZATION:
                return m.organization_id == scope.id
            if scope.kind is ScopeKind.TEAM:
                return m.team_id == scope.id
            return m.project_id == scope.id

        removed = [
            k for k, s in self._s.memberships.items() if k[0] == user_id and goes(s.membership)
        ]
        return [self._s.memberships.pop(k).membership for k in removed]

    async def count_role(self, organization_id: str, role_id: str) -> int:
        return sum(
            1 for s in self._s.members_of(organization_id) if s.membership.role.id == role_id
        )

    async def list_members(self, scope: ScopeRef, page: PageRequest) -> Page[MemberView]:
        stored = by_id(self._s.members_of(scope.id), page, lambda s: s.id)
        items = []
        for s in stored.items:
            user = self._state.identity.users.get(s.membership.user_id)
            role = self._s.held(s.membership.user_id, [scope.id])[0].role
            items.append(
                MemberView(
                    s.membership.user_id,
                    user.display_name if user else None,
                    user.email if user else None,
                    role,
                    s.created_at,
                )
            )
        return Page(items, stored.next_cursor)
