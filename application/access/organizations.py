"""Organizations: create, read, list mine, edit, soft-delete, join.

The top scope: created without a parent by anyone signed in, read and edited as an
``OrganizationView`` (a public one is visible to outsiders, in a limited view)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.access.authorizer import Authorizer, ScopeAccess
from application.access.ports import OrganizationSummary, ScopeChainReader
from application.access.scope_types import ORGANIZATIONS, OrganizationFields
from application.access.scope_use_cases import CreateScope, DeleteScope, JoinScope, UpdateScope
from application.access.unit_of_work import AccessUnitOfWork
from application.identity.principal import Principal
from application.own_pages import ListOwn
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.organization import Organization
from domain.access.permissions import Permission
from domain.request_context import RequestContext

__all__ = [
    "CreateOrganization",
    "DeleteOrganization",
    "GetOrganization",
    "JoinOrganization",
    "ListMyOrganizations",
    "OrganizationFields",
    "OrganizationView",
    "UpdateOrganization",
]


@dataclass(frozen=True)
class OrganizationView:
    organization: Organization
    access: ScopeAccess

    @property
    def limited(self) -> bool:
        """A public organization seen by a non-member: no counts, no settings."""
        return self.access.my_membership is None


class CreateOrganization(CreateScope[Organization, OrganizationFields, Organization]):
    """A new organization; its creator becomes its Owner. No parent, so no authorization."""

    scope_type = ORGANIZATIONS

    def __init__(self, uow: UnitOfWorkFactory[AccessUnitOfWork], clock: Clock):
        super().__init__(uow, clock, Authorizer())  # never asked: there is no parent

    async def __call__(
        self, caller: Principal, fields: OrganizationFields, ctx: RequestContext
    ) -> Organization:
        return await self._create(caller, None, fields, ctx)

    async def _created(
        self, uow: AccessUnitOfWork, caller: Principal, scope: Organization
    ) -> Organization:
        return scope


@dataclass(frozen=True, eq=False)
class GetOrganization:
    """Details with the caller's role and permissions; a limited view for outsiders of a public
    organization; not found for outsiders of a private one."""

    reads: ScopeChainReader
    authorizer: Authorizer

    async def __call__(self, caller: Principal, ref: str) -> OrganizationView:
        access = await self.authorizer.organization(
            self.reads, caller.user_id, ref, Permission.ORG_READ
        )
        return OrganizationView(access.organization, access)


class ListMyOrganizations(ListOwn[AccessUnitOfWork, OrganizationSummary]):
    async def _page(
        self, uow: AccessUnitOfWork, user_id: str, page: PageRequest
    ) -> Page[OrganizationSummary]:
        return await uow.organizations.list_for_member(user_id, page)


class UpdateOrganization(UpdateScope[Organization, OrganizationFields, OrganizationView]):
    scope_type = ORGANIZATIONS

    async def _updated(
        self,
        uow: AccessUnitOfWork,
        caller: Principal,
        access: ScopeAccess,
        after: Organization,
    ) -> OrganizationView:
        # The chain as loaded, with the organization as it now is (its ref may be a new slug).
        chain = replace(access.chain, organization=after)
        return OrganizationView(after, replace(access, chain=chain))


class DeleteOrganization(DeleteScope[Organization, OrganizationFields]):
    """Soft delete: the organization and everything below it disappear; the audit trail stays."""

    scope_type = ORGANIZATIONS


class JoinOrganization(JoinScope[Organization, OrganizationFields]):
    """Become a Member of a public organization that has joining enabled."""

    scope_type = ORGANIZATIONS
