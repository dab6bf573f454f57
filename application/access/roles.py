"""Roles of an organization: the defaults plus its custom roles; create, edit, delete custom."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from application.access.audit_trail import role_state
from application.access.authorized import AuthorizedCall, AuthorizedUseCase
from application.access.authorizer import Authorizer, ScopeAccess
from application.access.unit_of_work import AccessUnitOfWork
from application.identity.principal import Principal
from application.invitations.inviter_authority import revoke_lapsed_invitations
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.custom_roles import edited_custom_role, new_custom_role
from domain.access.errors import AccessError, DefaultRoleImmutable, RoleInUse, RoleTooStrong
from domain.access.membership_rules import check_role_edit
from domain.access.permissions import Permission, ScopeKind
from domain.access.roles import DEFAULT_ROLES, DEFAULT_ROLES_BY_ID, Role
from domain.errors import NotFound
from domain.ids import new_id
from domain.request_context import RequestContext


class RoleNotFound(AccessError, NotFound, message="Role not found"):
    pass


def _not_above_caller(access: ScopeAccess, role: Role) -> None:
    if not access.power.covers(role):
        raise RoleTooStrong("A custom role cannot hold permissions you do not have")


@dataclass(frozen=True, eq=False)
class ListRoles:
    """Default and custom roles of an organization (every scope), or of one team's scope."""

    uow: UnitOfWorkFactory[AccessUnitOfWork]
    authorizer: Authorizer

    async def for_organization(self, caller: Principal, ref: str) -> list[Role]:
        async with self.uow() as uow:
            access = await self.authorizer.organization(
                uow.scopes, caller.user_id, ref, Permission.ORG_READ
            )
            custom = await uow.roles.list_for_organization(access.organization.id)
        return [
            r
            for kind in ScopeKind
            for r in (*DEFAULT_ROLES[kind], *(c for c in custom if c.scope is kind))
        ]

    async def for_team(self, caller: Principal, team_id: str) -> list[Role]:
        async with self.uow() as uow:
            access = await self.authorizer.scope(
                uow.scopes, caller.user_id, ScopeKind.TEAM, team_id, Permission.TEAM_MEMBERS_READ
            )
            custom = await uow.roles.list_for_organization(access.organization.id)
        return [*DEFAULT_ROLES[ScopeKind.TEAM], *(c for c in custom if c.scope is ScopeKind.TEAM)]


class _RoleUseCase(AuthorizedUseCase[AccessUnitOfWork]):
    def _managing(
        self, caller: Principal, ref: str, ctx: RequestContext
    ) -> AbstractAsyncContextManager[AuthorizedCall[AccessUnitOfWork]]:
        """The organization's transaction, once the caller may manage its roles."""
        return self._authorized(
            caller, ScopeKind.ORGANIZATION, ref, Permission.ORG_ROLES_MANAGE, ctx
        )


class CreateRole(_RoleUseCase):
    async def __call__(
        self,
        caller: Principal,
        ref: str,
        name: str,
        scope: ScopeKind,
        permissions: list[str],
        ctx: RequestContext,
    ) -> Role:
        async with self._managing(caller, ref, ctx) as (uow, access, audit, _):
            org_id = access.organization.id
            existing = await uow.roles.list_for_organization(org_id)
            role = new_custom_role(
                role_id=new_id(),
                organization_id=org_id,
                name=name,
                scope=scope,
                permissions=permissions,
                existing=existing,
            )
            _not_above_caller(access, role)
            await uow.roles.add(role)
            await audit.change("role.created", access.node.ref, "role", role_state, None, role)
            await uow.commit()
        return role


async def _custom_role(existing: tuple[Role, ...], role_id: str) -> Role:
    if role_id in DEFAULT_ROLES_BY_ID:
        raise DefaultRoleImmutable()
    for role in existing:
        if role.id == role_id:
            return role
    raise RoleNotFound()  # unknown, or another organization's role


class UpdateRole(_RoleUseCase):
    async def __call__(
        self,
        caller: Principal,
        ref: str,
        role_id: str,
        name: str | None,
        permissions: list[str] | None,
        ctx: RequestContext,
    ) -> Role:
        async with self._managing(caller, ref, ctx) as (uow, access, audit, _):
            existing = await uow.roles.list_for_organization(access.organization.id)
            before = await _custom_role(existing, role_id)
            after = edited_custom_role(
                before, name=name, permissions=permissions, existing=existing
            )
            check_role_edit(access.power, before, after)
            await uow.roles.save(after)
            await audit.change("role.updated", access.node.ref, "role", role_state, before, after)
            if after.permissions != before.permissions:
                # Its holders' pending invitations, and invitations carrying it, may now be
                # beyond what their inviters hold.
                await revoke_lapsed_invitations(
                    uow,
                    audit,
                    cause="role.updated",
                    organization_id=access.organization.id,
                )
            await uow.commit()
        return after


class DeleteRole(_RoleUseCase):
    async def __call__(
        self, caller: Principal, ref: str, role_id: str, ctx: RequestContext
    ) -> Role:
        async with self._managing(caller, ref, ctx) as (uow, access, audit, _):
            existing = await uow.roles.list_for_organization(access.organization.id)
            role = await _custom_role(existing, role_id)
            check_role_edit(access.power, role, None)
            holders = await uow.roles.holders(role_id)
            if holders:
                raise RoleInUse(holders)
            await uow.roles.delete(role_id)
            await audit.change("role.deleted", access.node.ref, "role", role_state, role, None)
            await uow.commit()
        return role
