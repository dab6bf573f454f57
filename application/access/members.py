"""Members of an organization, team or project: list, change role, remove, leave."""

from __future__ import annotations

from dataclasses import dataclass

from application.access.audit_trail import membership_state
from application.access.authorized import AuthorizedUseCase
from application.access.authorizer import Authorizer, ScopeAccess
from application.access.ports import MemberView
from application.access.unit_of_work import AccessUnitOfWork
from application.account.activity import activity_writer
from application.audit.writer import AuditWriter
from application.identity.principal import Principal
from application.invitations.inviter_authority import revoke_lapsed_invitations
from application.pagination import Page, PageRequest
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.errors import AccessError
from domain.access.membership_rules import check_removal, check_role_change
from domain.access.memberships import Membership
from domain.access.permissions import (
    MEMBERS_MANAGE_PERMISSION,
    MEMBERS_READ_PERMISSION,
    READ_PERMISSION,
    Permission,
    ScopeKind,
)
from domain.access.roles import OWNER_ROLE_ID, resolve_role
from domain.account.activity import Action
from domain.errors import NotFound
from domain.request_context import RequestContext


class MemberNotFound(AccessError, NotFound, message="Member not found"):
    pass


@dataclass(frozen=True)
class MemberPage:
    page: Page[MemberView]
    show_email: bool  # only to those who may manage members


async def _authorize_locked(
    authorizer: Authorizer,
    uow: AccessUnitOfWork,
    user_id: str,
    kind: ScopeKind,
    ref: str,
    permission: Permission,
) -> tuple[ScopeAccess, int]:
    """Authorize, and for an organization also lock it and count its Owners: Owner changes of
    one organization are serialised, and the caller's own role is re-read under the lock, so two
    Owners cannot demote each other at the same instant."""
    access = await authorizer.scope(uow.scopes, user_id, kind, ref, permission)
    if kind is not ScopeKind.ORGANIZATION:
        return access, 0
    await uow.organizations.lock(access.organization.id)
    access = await authorizer.scope(uow.scopes, user_id, kind, access.organization.id, permission)
    return access, await uow.memberships.count_role(access.organization.id, OWNER_ROLE_ID)


@dataclass(frozen=True, eq=False)
class ListMembers:
    uow: UnitOfWorkFactory[AccessUnitOfWork]
    authorizer: Authorizer

    async def __call__(
        self, caller: Principal, kind: ScopeKind, ref: str, page: PageRequest
    ) -> MemberPage:
        async with self.uow() as uow:
            access = await self.authorizer.scope(
                uow.scopes, caller.user_id, kind, ref, MEMBERS_READ_PERMISSION[kind]
            )
            members = await uow.memberships.list_members(access.node.ref, page)
        return MemberPage(members, access.allows(MEMBERS_MANAGE_PERMISSION[kind]))


class ChangeMemberRole(AuthorizedUseCase[AccessUnitOfWork]):
    """Give a member another role on the scope: never above the caller's own, never taking the
    Owner role from an organization's last Owner."""

    async def __call__(
        self,
        caller: Principal,
        kind: ScopeKind,
        ref: str,
        user_id: str,
        role_ref: str,
        ctx: RequestContext,
    ) -> Membership:
        now = self._clock.now()
        async with self._uow() as uow:
            access, owners = await _authorize_locked(
                self._authorizer, uow, caller.user_id, kind, ref, MEMBERS_MANAGE_PERMISSION[kind]
            )
            audit = AuditWriter(uow.audit, actor_id=caller.user_id, now=now, context=ctx)
            current = await uow.memberships.get(user_id, access.node.ref)
            if current is None:
                raise MemberNotFound()
            custom = await uow.roles.list_for_organization(access.organization.id)
            role = resolve_role(role_ref, kind, custom)
            check_role_change(
                actor=access.power,
                scope=kind,
                current=current.role,
                new=role,
                owner_count=owners,
            )
            changed = Membership(
                user_id, role, current.organization_id, current.team_id, current.project_id
            )
            if changed != current:
                await uow.memberships.put(changed, now)
                await audit.write(
                    "member.role_changed",
                    access.node.ref,
                    "user",
                    user_id,
                    before=membership_state(current),
                    after=membership_state(changed),
                )
                # The member's own log says what they received, not from where the actor acted.
                await activity_writer(uow, user_id, now).record(
                    Action.ROLE_CHANGED,
                    scope=kind.value,
                    scopeId=access.node.ref.id,
                    fromRole=current.role.id,
                    toRole=role.id,
                    changedBy=caller.user_id,
                )
                # A demoted member's pending invitations may now give more than they hold.
                await revoke_lapsed_invitations(
                    uow,
                    audit,
                    cause="member.role_changed",
                    organization_id=access.organization.id,
                    invited_by=user_id,
                )
                await uow.commit()
        return changed


class RemoveMember(AuthorizedUseCase[AccessUnitOfWork]):
    """Remove a member (or leave, when the caller removes themselves) with every role they hold
    below the scope; an organization's last Owner can do neither."""

    async def __call__(
        self, caller: Principal, kind: ScopeKind, ref: str, user_id: str, ctx: RequestContext
    ) -> list[Membership]:
        now = self._clock.now()
        leaving = user_id == caller.user_id
        needed = READ_PERMISSION[kind] if leaving else MEMBERS_MANAGE_PERMISSION[kind]
        async with self._uow() as uow:
            access, owners = await _authorize_locked(
                self._authorizer, uow, caller.user_id, kind, ref, needed
            )
            audit = AuditWriter(uow.audit, actor_id=caller.user_id, now=now, context=ctx)
            current = await uow.memberships.get(user_id, access.node.ref)
            if current is None:
                raise MemberNotFound()
            check_removal(
                actor_id=caller.user_id,
                actor=access.power,
                target_id=user_id,
                scope=kind,
                current=current.role,
                owner_count=owners,
            )
            removed = await uow.memberships.remove_with_below(user_id, access.node.ref)
            action = "member.left" if leaving else "member.removed"
            await audit.write(
                action,
                access.node.ref,
                "user",
                user_id,
                before={**membership_state(current), "removed": [str(m.scope) for m in removed]},
            )
            # Their pending invitations leave with them (those they may still grant elsewhere in
            # the organization stay).
            await revoke_lapsed_invitations(
                uow,
                audit,
                cause=action,
                organization_id=access.organization.id,
                invited_by=user_id,
            )
            await uow.commit()
        return removed
