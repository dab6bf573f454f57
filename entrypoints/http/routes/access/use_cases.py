"""The use cases these route modules run (built by the context's container)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from application.access.authorizer import ScopeAccess
from application.access.members import ChangeMemberRole, ListMembers, RemoveMember
from application.access.organizations import (
    CreateOrganization,
    JoinOrganization,
    ListMyOrganizations,
    OrganizationView,
)
from application.access.projects import CreateProject, ListProjects
from application.access.roles import CreateRole, DeleteRole, ListRoles, UpdateRole
from application.access.scope_types import F, OrganizationFields, ScopeFields
from application.access.teams import CreateTeam, JoinTeam, ListTeams
from application.identity.principal import Principal
from domain.request_context import RequestContext

C = TypeVar("C")  # how one is created (an organization has no parent)
V = TypeVar("V")  # what reading and editing answer (an OrganizationView, a ScopeAccess)


class SoftDeleted(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def deleted_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class ScopeUseCases(Generic[C, F, V]):
    """Create, read, edit and soft-delete scopes of one kind (``GetTeam``, ``UpdateTeam``…)."""

    create: Callable[[], C]
    get: Callable[[], Callable[[Principal, str], Awaitable[V]]]
    update: Callable[[], Callable[[Principal, str, F, RequestContext], Awaitable[V]]]
    delete: Callable[[], Callable[[Principal, str, RequestContext], Awaitable[SoftDeleted]]]


@dataclass(frozen=True)
class AccessUseCases:
    organization: Callable[
        [], ScopeUseCases[CreateOrganization, OrganizationFields, OrganizationView]
    ]
    team: Callable[[], ScopeUseCases[CreateTeam, ScopeFields, ScopeAccess]]
    project: Callable[[], ScopeUseCases[CreateProject, ScopeFields, ScopeAccess]]
    join_organization: Callable[[], JoinOrganization]
    join_team: Callable[[], JoinTeam]
    list_my_organizations: Callable[[], ListMyOrganizations]
    list_teams: Callable[[], ListTeams]
    list_projects: Callable[[], ListProjects]
    list_roles: Callable[[], ListRoles]
    create_role: Callable[[], CreateRole]
    update_role: Callable[[], UpdateRole]
    delete_role: Callable[[], DeleteRole]
    list_members: Callable[[], ListMembers]
    change_member_role: Callable[[], ChangeMemberRole]
    remove_member: Callable[[], RemoveMember]
