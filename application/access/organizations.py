"""Organizations: create, read, list mine, edit, soft-delete, join."""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.access.audit_trail import membership_state, organization_state, record
from application.access.authorizer import Authorizer, ScopeAccess
from application.access.naming import ensure_free
from application.access.ports import OrganizationSummary, ScopeChainReader
from application.access.unit_of_work import AccessUnitOfWork
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.errors import AlreadyMember
from domain.access.memberships import Membership
from domain.access.organization import ORG_NAME_MAX, ORG_SLUG_MAX, Organization
from domain.access.permissions import Permission, ScopeKind
from domain.access.roles import CREATOR_ROLE, JOINER_ROLE
from domain.ids import new_id
from domain.request_context import RequestContext


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
class OrganizationView:
    organization: Organization
    access: ScopeAccess

    @property
    def limited(self) -> bool:
        """A public organization seen by a non-member: no counts, no settings."""
        return self.access.my_membership is None


async def _ensure_unique(
    uow: AccessUnitOfWork, name: str | None, slug: str | None, exclude_id: str | None = None
) -> None:
    if slug is not None:
        await ensure_free(
            "slug",
            slug,
            lambda v: uow.organizations.taken("slug", v, exclude_id),
            max_length=ORG_SLUG_MAX,
        )
    if name is not None:
        await ensure_free(
            "name",
            name,
            lambda v: uow.organizations.taken("name", v, exclude_id),
            max_length=ORG_NAME_MAX,
        )


class CreateOrganization:
    """A new organization; its creator becomes its Owner."""

    def __init__(self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock):
        self._uow = uow
        self._clock = clock

    async def __call__(
        self, caller: Principal, fields: OrganizationFields, ctx: RequestContext
    ) -> Organization:
        now = self._clock.now()
        org = Organization(
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
        async with self._uow() as uow:
            await _ensure_unique(uow, org.name, org.slug)
            await uow.organizations.add(org)
            owner = Membership(caller.user_id, CREATOR_ROLE[ScopeKind.ORGANIZATION], org.id)
            await uow.memberships.put(owner, now)
            scope = org.node.ref
            await record(
                uow.audit,
                scope=scope,
                actor_id=caller.user_id,
                action="organization.created",
                target_type="organization",
                target_id=org.id,
                now=now,
                ctx=ctx,
                after=organization_state(org),
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
        return org


class GetOrganization:
    """Details with the caller's role and permissions; a limited view for outsiders of a public
    organization; not found for outsiders of a private one."""

    def __init__(self, reads: ScopeChainReader, authorizer: Authorizer):
        self._reads = reads
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, ref: str) -> OrganizationView:
        access = await self._authorizer.organization(
            self._reads, caller.user_id, ref, Permission.ORG_READ
        )
        return OrganizationView(access.organization, access)


class ListMyOrganizations:
    def __init__(self, uow: UnitOfWorkFactory[AccessUnitOfWork]):
        self._uow = uow

    async def __call__(self, caller: Principal, page: PageRequest) -> Page[OrganizationSummary]:
        async with self._uow() as uow:
            return await uow.organizations.list_for_member(caller.user_id, page)


class UpdateOrganization:
    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(
        self, caller: Principal, ref: str, changes: OrganizationFields, ctx: RequestContext
    ) -> OrganizationView:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.organization(
                uow.scopes, caller.user_id, ref, Permission.ORG_UPDATE
            )
            before = access.organization
            after = replace(
                before,
                name=before.name if changes.name is None else changes.name,
                slug=before.slug if changes.slug is None else changes.slug,
                is_public=before.is_public if changes.is_public is None else changes.is_public,
                join_enabled=(
                    before.join_enabled if changes.join_enabled is None else changes.join_enabled
                ),
                timezone=before.timezone if changes.timezone is None else changes.timezone,
                description=(
                    before.description if changes.description is None else changes.description
                ),
                website=before.website if changes.website is None else changes.website,
                logo_url=before.logo_url if changes.logo_url is None else changes.logo_url,
                updated_at=now,
            )
            await _ensure_unique(
                uow,
                after.name if after.name != before.name else None,
                after.slug if after.slug != before.slug else None,
                before.id,
            )
            await uow.organizations.save(after)
            await record(
                uow.audit,
                scope=before.node.ref,
                actor_id=caller.user_id,
                action="organization.updated",
                target_type="organization",
                target_id=before.id,
                now=now,
                ctx=ctx,
                before=organization_state(before),
                after=organization_state(after),
            )
            await uow.commit()
        chain = replace(access.chain, organization=after)
        return OrganizationView(after, replace(access, chain=chain))


class DeleteOrganization:
    """Soft delete: the organization and everything below it disappear; the audit trail stays."""

    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, ref: str, ctx: RequestContext) -> Organization:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.organization(
                uow.scopes, caller.user_id, ref, Permission.ORG_DELETE
            )
            org = access.organization.deleted(now)
            await uow.organizations.save(org)
            await record(
                uow.audit,
                scope=org.node.ref,
                actor_id=caller.user_id,
                action="organization.deleted",
                target_type="organization",
                target_id=org.id,
                now=now,
                ctx=ctx,
                before=organization_state(access.organization),
                after=organization_state(org),
            )
            await uow.commit()
        return org


class JoinOrganization:
    """Become a Member of a public organization that has joining enabled."""

    def __init__(
        self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock, authorizer: Authorizer
    ):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, ref: str, ctx: RequestContext) -> Membership:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.organization(
                uow.scopes, caller.user_id, ref, Permission.ORG_READ
            )
            if access.my_membership is not None:
                raise AlreadyMember()
            access.organization.check_joinable()
            membership = Membership(
                caller.user_id, JOINER_ROLE[ScopeKind.ORGANIZATION], access.organization.id
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
