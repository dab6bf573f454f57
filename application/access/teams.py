"""Teams: create under an organization, read, edit, soft-delete, list those the caller may see."""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.access.audit_trail import membership_state, record, team_state
from application.access.authorizer import Authorizer, ScopeAccess
from application.access.naming import ensure_free
from application.access.ports import ScopeChainReader, TeamSummary, VisibleChildren
from application.access.unit_of_work import AccessUnitOfWork
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.errors import AlreadyMember, NotJoinable
from domain.access.list_filters import child_filter
from domain.access.memberships import Membership
from domain.access.permissions import Permission, ScopeKind
from domain.access.roles import CREATOR_ROLE, JOINER_ROLE
from domain.access.team import NAME_MAX, SLUG_MAX, Team
from domain.access.visibility import Visibility
from domain.ids import new_id
from domain.request_context import RequestContext


@dataclass(frozen=True)
class ScopeFields:
    """Editable fields of a team or project; ``None`` means "leave as is" in a change set."""

    name: str | None = None
    slug: str | None = None
    visibility: Visibility | None = None
    description: str | None = None
    join_enabled: bool | None = None


async def _ensure_unique(
    uow: AccessUnitOfWork,
    org_id: str,
    name: str | None,
    slug: str | None,
    exclude_id: str | None = None,
) -> None:
    if slug is not None:
        await ensure_free(
            "slug",
            slug,
            lambda v: uow.teams.taken(org_id, "slug", v, exclude_id),
            max_length=SLUG_MAX,
        )
    if name is not None:
        await ensure_free(
            "name",
            name,
            lambda v: uow.teams.taken(org_id, "name", v, exclude_id),
            max_length=NAME_MAX,
        )


class CreateTeam:
    """A team in an organization (org:teams:create); its creator becomes its Owner."""

    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(
        self, caller: Principal, organization_ref: str, fields: ScopeFields, ctx: RequestContext
    ) -> ScopeAccess:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.organization(
                uow.scopes, caller.user_id, organization_ref, Permission.ORG_TEAMS_CREATE
            )
            org = access.organization
            team = Team(
                id=new_id(),
                organization_id=org.id,
                name=fields.name or "",
                slug=fields.slug or "",
                visibility=fields.visibility or Visibility.INTERNAL,
                created_at=now,
                updated_at=now,
                description=fields.description,
                join_enabled=bool(fields.join_enabled),
            )
            await _ensure_unique(uow, org.id, team.name, team.slug)
            await uow.teams.add(team)
            owner = Membership(caller.user_id, CREATOR_ROLE[ScopeKind.TEAM], org.id, team.id)
            await uow.memberships.put(owner, now)
            scope = team.node(org.node).ref
            await record(
                uow.audit,
                scope=scope,
                actor_id=caller.user_id,
                action="team.created",
                target_type="team",
                target_id=team.id,
                now=now,
                ctx=ctx,
                after=team_state(team),
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
            return await self._authorizer.team(
                uow.scopes, caller.user_id, team.id, Permission.TEAM_READ, counts=True
            )


class GetTeam:
    """One team with the caller's role and permissions: one statement, no transaction."""

    def __init__(self, reads: ScopeChainReader, authorizer: Authorizer):
        self._reads = reads
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, team_id: str) -> ScopeAccess:
        return await self._authorizer.team(
            self._reads, caller.user_id, team_id, Permission.TEAM_READ, counts=True
        )


class UpdateTeam:
    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(
        self, caller: Principal, team_id: str, changes: ScopeFields, ctx: RequestContext
    ) -> ScopeAccess:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.team(
                uow.scopes, caller.user_id, team_id, Permission.TEAM_UPDATE
            )
            before = access.team
            after = replace(
                before,
                name=before.name if changes.name is None else changes.name,
                slug=before.slug if changes.slug is None else changes.slug,
                visibility=changes.visibility or before.visibility,
                description=(
                    before.description if changes.description is None else changes.description
                ),
                join_enabled=(
                    before.join_enabled if changes.join_enabled is None else changes.join_enabled
                ),
                updated_at=now,
            )
            await _ensure_unique(
                uow,
                before.organization_id,
                after.name if after.name != before.name else None,
                after.slug if after.slug != before.slug else None,
                before.id,
            )
            await uow.teams.save(after)
            await record(
                uow.audit,
                scope=access.node.ref,
                actor_id=caller.user_id,
                action="team.updated",
                target_type="team",
                target_id=before.id,
                now=now,
                ctx=ctx,
                before=team_state(before),
                after=team_state(after),
            )
            await uow.commit()
            return await self._authorizer.team(
                uow.scopes, caller.user_id, team_id, Permission.TEAM_READ, counts=True
            )


class DeleteTeam:
    """Soft delete: the team and its projects disappear for everyone."""

    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, team_id: str, ctx: RequestContext) -> Team:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.team(
                uow.scopes, caller.user_id, team_id, Permission.TEAM_DELETE
            )
            team = access.team.deleted(now)
            await uow.teams.save(team)
            await record(
                uow.audit,
                scope=access.node.ref,
                actor_id=caller.user_id,
                action="team.deleted",
                target_type="team",
                target_id=team.id,
                now=now,
                ctx=ctx,
                before=team_state(access.team),
                after=team_state(team),
            )
            await uow.commit()
        return team


class ListTeams:
    """The teams of an organization the caller may read, filtered in one query."""

    def __init__(self, reads: ScopeChainReader, lists: VisibleChildren, authorizer: Authorizer):
        self._reads = reads
        self._lists = lists
        self._authorizer = authorizer

    async def __call__(
        self, caller: Principal, organization_ref: str, page: PageRequest
    ) -> Page[TeamSummary]:
        access = await self._authorizer.organization(
            self._reads, caller.user_id, organization_ref, Permission.ORG_READ
        )
        flt = child_filter(access.principal, access.node)
        return await self._lists.teams(access.organization.id, flt, page)


class JoinTeam:
    """An organization member joins a team they can see that has joining enabled (as Member)."""

    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, team_id: str, ctx: RequestContext) -> Membership:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.team(
                uow.scopes, caller.user_id, team_id, Permission.TEAM_READ
            )
            if access.my_membership is not None:
                raise AlreadyMember()
            org_member = access.principal.held_on(access.node.organization.ref) is not None
            if not (org_member and access.team.join_enabled):
                raise NotJoinable("team")
            membership = Membership(
                caller.user_id, JOINER_ROLE[ScopeKind.TEAM], access.organization.id, access.team.id
            )
            await uow.memberships.put(membership, now)
            await record(
                uow.audit,
                scope=access.node.ref,
                actor_id=caller.user_id,
                action="member.joined",
                target_type="user",
                target_id=caller.user_id,
                now=now,
                ctx=ctx,
                after=membership_state(membership),
            )
            await uow.commit()
        return membership
