"""The inviter's side: list a scope's invitations, revoke one."""

from __future__ import annotations

from application.access.authorized import AuthorizedUseCase
from application.identity.principal import Principal
from application.invitations.scope_roles import scope_roles
from application.invitations.unit_of_work import InvitationsUnitOfWork
from application.invitations.views import InvitationView
from application.pagination import Page, PageRequest
from domain.access.permissions import (
    MEMBERS_INVITE_PERMISSION,
    MEMBERS_READ_PERMISSION,
    Permission,
    ScopeKind,
)
from domain.invitations.errors import InvitationNotFound
from domain.invitations.invitation import InvitationStatus
from domain.request_context import RequestContext

# API.md: an organization's invitations are for those who may invite; a team's or project's are
# readable with members:read (e-mails then masked unless the caller may invite too).
LIST_PERMISSION: dict[ScopeKind, Permission] = {
    ScopeKind.ORGANIZATION: MEMBERS_INVITE_PERMISSION[ScopeKind.ORGANIZATION],
    ScopeKind.TEAM: MEMBERS_READ_PERMISSION[ScopeKind.TEAM],
    ScopeKind.PROJECT: MEMBERS_READ_PERMISSION[ScopeKind.PROJECT],
}


class ListInvitations(AuthorizedUseCase[InvitationsUnitOfWork]):
    """A scope's invitations, newest first, filtered by status in the query."""

    async def __call__(
        self,
        caller: Principal,
        kind: ScopeKind,
        ref: str,
        status: InvitationStatus | None,
        page: PageRequest,
    ) -> Page[InvitationView]:
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.scope(
                uow.scopes, caller.user_id, kind, ref, LIST_PERMISSION[kind]
            )
            found = await uow.invitations.list_for_scope(access.node.ref, status, now, page)
            roles = {r.id: r for r in await scope_roles(uow, access.organization.id, kind)}
        show = access.allows(MEMBERS_INVITE_PERMISSION[kind])
        views = [
            InvitationView(i, roles.get(i.role_id), i.status_at(now), show) for i in found.items
        ]
        return Page(views, found.next_cursor)


class RevokeInvitation(AuthorizedUseCase[InvitationsUnitOfWork]):
    """Withdraw an open (or expired) invitation of this scope; an answered one cannot be (409)."""

    async def __call__(
        self, caller: Principal, kind: ScopeKind, ref: str, invitation_id: str, ctx: RequestContext
    ) -> InvitationView:
        async with self._authorized(caller, kind, ref, MEMBERS_INVITE_PERMISSION[kind], ctx) as (
            uow,
            access,
            audit,
            now,
        ):
            invitation = await uow.invitations.get(invitation_id)
            # An id from another scope (or organization) is simply not found here.
            if invitation is None or invitation.target.ref != access.node.ref:
                raise InvitationNotFound("Invitation not found")
            revoked = invitation.revoke(by=caller.user_id, now=now)
            await uow.invitations.save(revoked)
            await audit.write(
                "invitation.revoked",
                access.node.ref,
                "invitation",
                invitation.id,
                before={"status": invitation.status_at(now).value},
                after={"status": "revoked"},
            )
            roles = {r.id: r for r in await scope_roles(uow, access.organization.id, kind)}
            await uow.commit()
        return InvitationView(revoked, roles.get(revoked.role_id), InvitationStatus.REVOKED, True)
