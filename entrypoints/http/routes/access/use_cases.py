"""A scope kind's create, read, edit and soft-delete, as the scope routes run them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from application.access.authorizer import ScopeAccess
from application.access.organizations import CreateOrganization, OrganizationView
from application.access.projects import CreateProject
from application.access.scope_types import F, OrganizationFields, ScopeFields
from application.access.teams import CreateTeam
from application.identity.principal import Principal
from domain.access.memberships import Membership
from domain.request_context import RequestContext

C = TypeVar("C")  # how one is created (an organization has no parent)
V = TypeVar("V")  # what reading and editing answer (an OrganizationView, a ScopeAccess)


class SoftDeleted(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def deleted_at(self) -> datetime | None: ...


class Joins(Protocol):
    """Joining a scope of one kind (``JoinOrganization``, ``JoinTeam``)."""

    async def __call__(self, user: Principal, ref: str, meta: RequestContext, /) -> Membership: ...


@dataclass(frozen=True)
class ScopeUseCases(Generic[C, F, V]):
    """Create, read, edit and soft-delete scopes of one kind (``GetTeam``, ``UpdateTeam``…)."""

    create: Callable[[], C]
    get: Callable[[], Callable[[Principal, str], Awaitable[V]]]
    update: Callable[[], Callable[[Principal, str, F, RequestContext], Awaitable[V]]]
    delete: Callable[[], Callable[[Principal, str, RequestContext], Awaitable[SoftDeleted]]]


class OrganizationUseCases(ScopeUseCases[CreateOrganization, OrganizationFields, OrganizationView]):
    pass


class TeamUseCases(ScopeUseCases[CreateTeam, ScopeFields, ScopeAccess]):
    pass


class ProjectUseCases(ScopeUseCases[CreateProject, ScopeFields, ScopeAccess]):
    pass
