"""What differs between organizations, teams and projects, as data for the generic use cases.

The use cases in ``scope_use_cases`` are written once for any ``ScopeKind``; each kind's
``ScopeType`` says only what is really its own: its fields and how a change set applies, where its
names must be unique, how a new one is built under its parent, how it is joined, its audit state.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from application.access.audit_trail import scope_state
from application.access.authorizer import ScopeAccess
from application.access.naming import ensure_free
from application.access.ports import ChildScopeRepository, UniqueField
from application.access.unit_of_work import AccessUnitOfWork
from application.audit.writer import AuditWriter
from domain.access.errors import NotJoinable
from domain.access.organization import ORG_NAME_MAX, ORG_SLUG_MAX, Organization
from domain.access.permissions import ScopeKind
from domain.access.scopes import ScopeRef
from domain.access.team import NAME_MAX, SLUG_MAX, Project, Team
from domain.access.visibility import Visibility
from domain.ids import new_id


@dataclass(frozen=True)
class OrganizationFields:
    """Editable fields; ``None`` in a change set means "leave as is"."""

    name: str | None = None
    slug: str | None = None
    is_public: bool | None = None
    join_enabled: bool | None = None
    timezone: str | None = None
    description: str | None = None
    website: str | None = None
    logo_url: str | None = None


@dataclass(frozen=True)
class ScopeFields:
    """Editable fields of a team or project; ``None`` means "leave as is" in a change set."""

    name: str | None = None
    slug: str | None = None
    visibility: Visibility | None = None
    description: str | None = None
    join_enabled: bool | None = None  # teams only
    repository_url: str | None = None  # projects only; "" unlinks


class ScopeEntity(Protocol):
    __dataclass_fields__: ClassVar[dict[str, Any]]  # a dataclass: edited with ``replace``

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def slug(self) -> str: ...

    @property
    def deleted_at(self) -> datetime | None: ...

    def deleted(self, now: datetime) -> Self: ...


class ScopeRepository(Protocol):
    """What the generic use cases need of the three repositories (each is typed more finely)."""

    async def add(self, scope: Any) -> None: ...

    async def save(self, scope: Any) -> None: ...


E = TypeVar("E", bound=ScopeEntity)
C = TypeVar("C", bound=ScopeEntity)  # a team or a project
F = TypeVar("F", OrganizationFields, ScopeFields)
Taken = Callable[[UniqueField, list[str], str | None], Awaitable[set[str]]]


class ScopeType(ABC, Generic[E, F]):
    kind: ScopeKind
    name_max: int
    slug_max: int
    path_fields: tuple[
        str, ...
    ]  # organization id, then team id, then its own id, as far as it goes
    audited: tuple[str, ...]  # what the audit trail shows of it before and after a change

    @abstractmethod
    def of(self, access: ScopeAccess) -> E:
        """The scope itself out of an authorized chain."""

    @abstractmethod
    def repository(self, uow: AccessUnitOfWork) -> ScopeRepository: ...

    @abstractmethod
    def taken(self, uow: AccessUnitOfWork, scope: E) -> Taken:
        """The lookup of names/slugs used where ``scope`` must be unique (its parent, or all)."""

    @abstractmethod
    def new(self, fields: F, parent: ScopeAccess | None, creator_id: str, now: datetime) -> E:
        """A new scope under ``parent`` (None for an organization)."""

    def under(self, parent: ScopeAccess | None) -> ScopeAccess:
        """The parent a new scope of this kind is created under (an organization has none)."""
        if parent is None:
            raise ValueError(f"a {self.kind.value} is created under its parent")
        return parent

    def changed(self, before: E, changes: F, now: datetime) -> E:
        """``before`` with each field the change set names (``None`` leaves one as it is; a field
        the kind does not have, such as a project's ``join_enabled``, is ignored)."""
        own = {f.name for f in fields(before)}
        named = {
            f.name: value
            for f in fields(changes)
            if f.name in own and (value := getattr(changes, f.name)) is not None
        }
        return replace(before, **named, updated_at=now)

    def path(self, scope: E) -> tuple[str, ...]:
        """Organization id, then team id, then project id, as far as ``scope`` goes."""
        return tuple(getattr(scope, name) for name in self.path_fields)

    def state(self, scope: E) -> dict[str, Any]:
        return scope_state(scope, self.audited)

    async def audit(
        self, audit: AuditWriter, change: str, ref: ScopeRef, before: E | None, after: E | None
    ) -> None:
        """The entry ``<kind>.<change>`` with the scope's state before and after it."""
        kind = self.kind.value
        await audit.change(f"{kind}.{change}", ref, kind, self.state, before, after)

    def check_joinable(self, access: ScopeAccess) -> None:
        """Joining without an invitation; refused unless the kind says otherwise."""
        raise NotJoinable(self.kind.value)

    async def ensure_unique(self, uow: AccessUnitOfWork, before: E | None, after: E) -> None:
        """Refuse a taken slug, then a taken name (only those that change on an edit)."""
        taken = self.taken(uow, after)
        exclude = None if before is None else before.id
        if before is None or after.slug != before.slug:
            await ensure_free(
                "slug",
                after.slug,
                lambda v: taken("slug", v, exclude),
                max_length=self.slug_max,
            )
        if before is None or after.name != before.name:
            await ensure_free(
                "name",
                after.name,
                lambda v: taken("name", v, exclude),
                max_length=self.name_max,
            )


class OrganizationType(ScopeType[Organization, OrganizationFields]):
    kind = ScopeKind.ORGANIZATION
    name_max, slug_max = ORG_NAME_MAX, ORG_SLUG_MAX
    path_fields = ("id",)
    audited = (
        *("name", "slug", "is_public", "join_enabled", "timezone"),
        *("description", "website", "logo_url"),
    )

    def of(self, access: ScopeAccess) -> Organization:
        return access.organization

    def repository(self, uow: AccessUnitOfWork) -> ScopeRepository:
        return uow.organizations

    def taken(self, uow: AccessUnitOfWork, scope: Organization) -> Taken:
        return uow.organizations.taken  # unique across the platform

    def new(
        self,
        fields: OrganizationFields,
        parent: ScopeAccess | None,
        creator_id: str,
        now: datetime,
    ) -> Organization:
        return Organization(
            id=new_id(),
            name=fields.name or "",
            slug=fields.slug or "",
            is_public=True if fields.is_public is None else fields.is_public,
            join_enabled=bool(fields.join_enabled),
            created_at=now,
            updated_at=now,
            timezone=fields.timezone,
            description=fields.description,
            website=fields.website,
            logo_url=fields.logo_url,
        )

    def check_joinable(self, access: ScopeAccess) -> None:
        access.organization.check_joinable()  # public, with joining enabled


class ChildScopeType(ScopeType[C, ScopeFields]):
    """A team or a project: its name and slug are unique among its parent's children."""

    @abstractmethod
    def repository(self, uow: AccessUnitOfWork) -> ChildScopeRepository[C]: ...

    def taken(self, uow: AccessUnitOfWork, scope: C) -> Taken:
        # The id before its own on its path: a team's organization, a project's team.
        parent_id = self.path(scope)[-2]
        repository = self.repository(uow)
        return lambda field, values, exclude: repository.taken(parent_id, field, values, exclude)


class TeamType(ChildScopeType[Team]):
    kind = ScopeKind.TEAM
    name_max, slug_max = NAME_MAX, SLUG_MAX
    path_fields = ("organization_id", "id")
    audited = ("name", "slug", "visibility", "description", "join_enabled")

    def of(self, access: ScopeAccess) -> Team:
        return access.team

    def repository(self, uow: AccessUnitOfWork) -> ChildScopeRepository[Team]:
        return uow.teams

    def new(
        self, fields: ScopeFields, parent: ScopeAccess | None, creator_id: str, now: datetime
    ) -> Team:
        return Team(
            id=new_id(),
            organization_id=self.under(parent).organization.id,
            name=fields.name or "",
            slug=fields.slug or "",
            visibility=fields.visibility or Visibility.INTERNAL,
            created_at=now,
            updated_at=now,
            description=fields.description,
            join_enabled=bool(fields.join_enabled),
        )

    def check_joinable(self, access: ScopeAccess) -> None:
        org_member = access.principal.held_on(access.node.organization.ref) is not None
        if not (org_member and access.team.join_enabled):
            raise NotJoinable("team")


class ProjectType(ChildScopeType[Project]):
    kind = ScopeKind.PROJECT
    name_max, slug_max = NAME_MAX, SLUG_MAX
    path_fields = ("organization_id", "team_id", "id")
    audited = ("name", "slug", "visibility", "description", "repository_url")

    def of(self, access: ScopeAccess) -> Project:
        return access.project

    def repository(self, uow: AccessUnitOfWork) -> ChildScopeRepository[Project]:
        return uow.projects

    def new(
        self, fields: ScopeFields, parent: ScopeAccess | None, creator_id: str, now: datetime
    ) -> Project:
        parent = self.under(parent)
        return Project(
            id=new_id(),
            organization_id=parent.organization.id,
            team_id=parent.team.id,
            name=fields.name or "",
            slug=fields.slug or "",
            visibility=fields.visibility or Visibility.INTERNAL,
            created_by=creator_id,
            created_at=now,
            updated_at=now,
            description=fields.description,
            repository_url=fields.repository_url or None,
        )

    def changed(self, before: Project, changes: ScopeFields, now: datetime) -> Project:
        if changes.repository_url == "":  # "" unlinks the repository
            kept = super().changed(before, replace(changes, repository_url=None), now)
            return replace(kept, repository_url=None)
        return super().changed(before, changes, now)


ORGANIZATIONS = OrganizationType()
TEAMS = TeamType()
PROJECTS = ProjectType()
