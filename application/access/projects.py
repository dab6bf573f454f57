"""Projects: create under a team, read, edit, soft-delete, list those the caller may see."""

from __future__ import annotations

from dataclasses import replace

from application.access.audit_trail import membership_state, project_state, record
from application.access.authorizer import Authorizer, ScopeAccess
from application.access.naming import ensure_free
from application.access.ports import ProjectSummary, ScopeChainReader, VisibleChildren
from application.access.teams import ScopeFields
from application.access.unit_of_work import AccessUnitOfWork
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.list_filters import child_filter
from domain.access.memberships import Membership
from domain.access.permissions import Permission, ScopeKind
from domain.access.roles import CREATOR_ROLE
from domain.access.team import NAME_MAX, SLUG_MAX, Project
from domain.access.visibility import Visibility
from domain.ids import new_id
from domain.request_context import RequestContext


async def _ensure_unique(
    uow: AccessUnitOfWork,
    team_id: str,
    name: str | None,
    slug: str | None,
    exclude_id: str | None = None,
) -> None:
    if slug is not None:
        await ensure_free(
            "slug",
            slug,
            lambda v: uow.projects.taken(team_id, "slug", v, exclude_id),
            max_length=SLUG_MAX,
        )
    if name is not None:
        await ensure_free(
            "name",
            name,
            lambda v: uow.projects.taken(team_id, "name", v, exclude_id),
            max_length=NAME_MAX,
        )


class CreateProject:
    """A project in a team (team:projects:create); its creator becomes its Owner."""

    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(
        self, caller: Principal, team_id: str, fields: ScopeFields, ctx: RequestContext
    ) -> ScopeAccess:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.team(
                uow.scopes, caller.user_id, team_id, Permission.TEAM_PROJECTS_CREATE
            )
            team = access.team
            project = Project(
                id=new_id(),
                organization_id=team.organization_id,
                team_id=team.id,
                name=fields.name or "",
                slug=fields.slug or "",
                visibility=fields.visibility or Visibility.INTERNAL,
                created_by=caller.user_id,
                created_at=now,
                updated_at=now,
                description=fields.description,
            )
            await _ensure_unique(uow, team.id, project.name, project.slug)
            await uow.projects.add(project)
            owner = Membership(
                caller.user_id,
                CREATOR_ROLE[ScopeKind.PROJECT],
                team.organization_id,
                team.id,
                project.id,
            )
            await uow.memberships.put(owner, now)
            scope = project.node(access.node).ref
            await record(
                uow.audit,
                scope=scope,
                actor_id=caller.user_id,
                action="project.created",
                target_type="project",
                target_id=project.id,
                now=now,
                ctx=ctx,
                after=project_state(project),
            )
            await record(
                uow.audit,
                scope=scope,
                actor_id=caller.user_id,
                action="member.added",
                target_type="user",
                target_id=caller.user_id,
                now=now,
                ctx=ctx,
                after=membership_state(owner),
            )
            await uow.commit()
            return await self._authorizer.project(
                uow.scopes, caller.user_id, project.id, Permission.PROJECT_READ, counts=True
            )


class GetProject:
    def __init__(self, reads: ScopeChainReader, authorizer: Authorizer):
        self._reads = reads
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, project_id: str) -> ScopeAccess:
        return await self._authorizer.project(
            self._reads, caller.user_id, project_id, Permission.PROJECT_READ, counts=True
        )


class UpdateProject:
    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(
        self, caller: Principal, project_id: str, changes: ScopeFields, ctx: RequestContext
    ) -> ScopeAccess:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.project(
                uow.scopes, caller.user_id, project_id, Permission.PROJECT_UPDATE
            )
            before = access.project
            after = replace(
                before,
                name=before.name if changes.name is None else changes.name,
                slug=before.slug if changes.slug is None else changes.slug,
                visibility=changes.visibility or before.visibility,
                description=(
                    before.description if changes.description is None else changes.description
                ),
                updated_at=now,
            )
            await _ensure_unique(
                uow,
                before.team_id,
                after.name if after.name != before.name else None,
                after.slug if after.slug != before.slug else None,
                before.id,
            )
            await uow.projects.save(after)
            await record(
                uow.audit,
                scope=access.node.ref,
                actor_id=caller.user_id,
                action="project.updated",
                target_type="project",
                target_id=before.id,
                now=now,
                ctx=ctx,
                before=project_state(before),
                after=project_state(after),
            )
            await uow.commit()
            return await self._authorizer.project(
                uow.scopes, caller.user_id, project_id, Permission.PROJECT_READ, counts=True
            )


class DeleteProject:
    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, project_id: str, ctx: RequestContext) -> Project:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.project(
                uow.scopes, caller.user_id, project_id, Permission.PROJECT_DELETE
            )
            project = access.project.deleted(now)
            await uow.projects.save(project)
            await record(
                uow.audit,
                scope=access.node.ref,
                actor_id=caller.user_id,
                action="project.deleted",
                target_type="project",
                target_id=project.id,
                now=now,
                ctx=ctx,
                before=project_state(access.project),
                after=project_state(project),
            )
            await uow.commit()
        return project


class ListProjects:
    """The projects of a team the caller may read, filtered in one query."""

    def __init__(self, reads: ScopeChainReader, lists: VisibleChildren, authorizer: Authorizer):
        self._reads = reads
        self._lists = lists
        self._authorizer = authorizer

    async def __call__(
        self, caller: Principal, team_id: str, page: PageRequest
    ) -> Page[ProjectSummary]:
        access = await self._authorizer.team(
            self._reads, caller.user_id, team_id, Permission.TEAM_READ
        )
        flt = child_filter(access.principal, access.node)
        return await self._lists.projects(access.team.id, flt, page)
