"""The invitee's side: preview a code (public), accept or decline it (signed in, same e-mail)."""

from __future__ import annotations

from dataclasses import dataclass

from application.access.audit_trail import membership_state
from application.access.authorizer import read_chain
from application.access.ports import ScopeChain
from application.account.activity import activity_writer
from application.audit.writer import AuditWriter
from application.identity.principal import Principal
from application.invitations.inviter_authority import lapse_of_invitation, revoke_for_lapse
from application.invitations.scope_roles import names, scope_hidden, scope_roles
from application.invitations.unit_of_work import InvitationsUnitOfWork
from application.invitations.views import AcceptedInvitation, InvitationPreview
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.memberships import Membership
from domain.access.permissions import ScopeKind
from domain.access.roles import JOINER_ROLE, Role
from domain.access.scopes import ScopeRef
from domain.account.activity import Action
from domain.invitations.codes import digest_code, looks_like_code
from domain.invitations.email_address import mask_email
from domain.invitations.errors import InvitationGone, InvitationNotFound, InviterLostAuthority
from domain.invitations.invitation import Invitation
from domain.invitations.inviter_authority import Lapse
from domain.request_context import RequestContext


async def _find(uow: InvitationsUnitOfWork, code: str, *, for_update: bool = False) -> Invitation:
    # Never echo the code: it is a bearer credential (ADR 0040).
    if not looks_like_code(code):
        raise InvitationNotFound("Invalid invitation code")
    found = await uow.invitations.by_digest(digest_code(code), for_update=for_update)
    if found is None:
        raise InvitationNotFound("Invalid invitation code")
    return found


async def _usable_scope(
    uow: InvitationsUnitOfWork, invitation: Invitation, user_id: str | None
) -> tuple[ScopeChain, Role]:
    """The invitation's scope (still there) and its role (still defined), or 410."""
    target = invitation.target
    chain = await read_chain(uow.scopes, target.scope, target.scope_id, user_id)
    if chain is None or scope_hidden(chain):
        raise InvitationGone(f"This {target.scope.value} no longer exists")
    roles = await scope_roles(uow, target.organization_id, target.scope)
    role = next((r for r in roles if r.id == invitation.role_id), None)
    if role is None:
        raise InvitationGone("The role of this invitation no longer exists")
    return chain, role


def lost_authority(lapse: Lapse) -> InviterLostAuthority:
    return InviterLostAuthority(
        "This invitation is no longer valid: the person who sent it can no longer grant this role",
        details={"reason": lapse.value},
    )


@dataclass(frozen=True, eq=False)
class PreviewInvitation:
    """What an invitation is for, without signing in: unknown 404; used/expired/declined 410,
    and 410 too when its inviter can no longer grant it (revoked for good on acceptance)."""

    uow: UnitOfWorkFactory[InvitationsUnitOfWork]
    clock: Clock

    async def __call__(self, code: str) -> InvitationPreview:
        async with self.uow() as uow:
            invitation = await _find(uow, code)
            invitation.ensure_open(self.clock.now())
            chain, role = await _usable_scope(uow, invitation, None)
            lapse = await lapse_of_invitation(uow, invitation, role)
            inviter = await uow.users.get(invitation.invited_by)
        if lapse is not None:
            raise lost_authority(lapse)
        org, team, project = names(chain)
        return InvitationPreview(
            scope=invitation.target.scope,
            organization=org,
            team=team,
            project=project,
            role=role,
            masked_email=mask_email(invitation.email),
            expires_at=invitation.expires_at,
            invited_by=inviter.display_name if inviter else None,
        )


@dataclass(frozen=True, eq=False)
class AcceptInvitation:
    """Join with the invitation's role, atomically: organization membership (Member) when missing,
    the scope role (an existing stronger role is kept), the invitation marked used, audit entries.
    The caller's verified e-mail must be the invited address (403). The inviter is re-authorized
    against their current roles: if they may no longer grant the role (removed, demoted, account
    deleted, role edited above them) the invitation is revoked — audited with the reason — and
    the answer is 410 ``GONE`` with ``details.reason``."""

    uow: UnitOfWorkFactory[InvitationsUnitOfWork]
    clock: Clock

    async def __call__(
        self, caller: Principal, code: str, ctx: RequestContext
    ) -> AcceptedInvitation:
        now = self.clock.now()
        async with self.uow() as uow:
            invitation = await _find(uow, code, for_update=True)
            used = invitation.accept(user_id=caller.user_id, email=caller.email, now=now)
            chain, role = await _usable_scope(uow, invitation, caller.user_id)
            # Re-read under the invitation's row lock, in the transaction that would use it.
            lapse = await lapse_of_invitation(uow, invitation, role)
            audit = AuditWriter(uow.audit, actor_id=caller.user_id, now=now, context=ctx)
            if lapse is not None:
                # Noticed by the system, not done by the invitee: no actor.
                await revoke_for_lapse(uow, invitation, lapse, audit.by(None), cause="acceptance")
                await uow.commit()
            else:
                current, held = await self._join(uow, caller, invitation, role, audit)
                await uow.invitations.save(used)
                await uow.commit()
        if lapse is not None:
            raise lost_authority(lapse)  # after the commit: the revocation and its audit stay
        org, team, project = names(chain)
        scope = invitation.target.scope
        return AcceptedInvitation(scope, org, team, project, held, current is not None)

    async def _join(
        self,
        uow: InvitationsUnitOfWork,
        caller: Principal,
        invitation: Invitation,
        role: Role,
        audit: AuditWriter,
    ) -> tuple[Membership | None, Role]:
        """Grant what the invitation gives; the membership held before and the role held now."""
        target = invitation.target
        if target.scope is not ScopeKind.ORGANIZATION:
            org_ref = ScopeRef(ScopeKind.ORGANIZATION, target.organization_id)
            if await uow.memberships.get(caller.user_id, org_ref) is None:
                member = JOINER_ROLE[ScopeKind.ORGANIZATION]
                await self._grant(uow, caller, invitation, org_ref, member, None, audit)
        current = await uow.memberships.get(caller.user_id, target.ref)
        held = current.role if current else None
        # Accepting never lowers what one already holds (an Owner accepting a Member invite).
        if held is None or held.permissions < role.permissions:
            await self._grant(uow, caller, invitation, target.ref, role, current, audit)
            held = role
        await activity_writer(uow, caller.user_id, audit.now, audit.context).record(
            Action.INVITATION_ACCEPTED, invitationId=invitation.id, roleId=held.id
        )
        await audit.write(
            "invitation.accepted",
            target.ref,
            "invitation",
            invitation.id,
            before={"status": "pending"},
            after={"status": "used", "roleId": held.id},
        )
        return current, held

    async def _grant(
        self,
        uow: InvitationsUnitOfWork,
        caller: Principal,
        invitation: Invitation,
        scope: ScopeRef,
        role: Role,
        current: Membership | None,
        audit: AuditWriter,
    ) -> None:
        t = invitation.target
        membership = Membership(
            user_id=caller.user_id,
            role=role,
            organization_id=t.organization_id,
            team_id=t.team_id if scope.kind is not ScopeKind.ORGANIZATION else None,
            project_id=t.project_id if scope.kind is ScopeKind.PROJECT else None,
        )
        await uow.memberships.put(membership, audit.now)
        await audit.write(
            "member.role_changed" if current else "member.added",
            scope,
            "user",
            caller.user_id,
            before=membership_state(current) if current else None,
            after={
                **membership_state(membership),
                "via": "invitation",
                "invitationId": invitation.id,
            },
        )


@dataclass(frozen=True, eq=False)
class DeclineInvitation:
    """The invitee says no; the invitation is kept as declined (for the audit trail and lists)."""

    uow: UnitOfWorkFactory[InvitationsUnitOfWork]
    clock: Clock

    async def __call__(self, caller: Principal, code: str, ctx: RequestContext) -> None:
        now = self.clock.now()
        async with self.uow() as uow:
            invitation = await _find(uow, code, for_update=True)
            declined = invitation.decline(user_id=caller.user_id, email=caller.email, now=now)
            audit = AuditWriter(uow.audit, actor_id=caller.user_id, now=now, context=ctx)
            await uow.invitations.save(declined)
            await activity_writer(uow, caller.user_id, now, ctx).record(
                Action.INVITATION_DECLINED, invitationId=invitation.id
            )
            await audit.write(
                "invitation.declined",
                invitation.target.ref,
                "invitation",
                invitation.id,
                before={"status": "pending"},
                after={"status": "declined"},
            )
            await uow.commit()
