"""Inviting people to an organization, team or project: one, a list (≤100) or a CSV (≤1,000)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from application.access.authorizer import Authorizer, ScopeAccess
from application.audit.writer import AuditWriter
from application.identity.principal import Principal
from application.invitations.code_sealer import CodeSealer
from application.invitations.scope_roles import catalogue, scope_roles
from application.invitations.unit_of_work import InvitationsUnitOfWork
from application.invitations.views import InvitationView, InviteOutcome
from application.ports.clock import Clock
from application.ports.outbox_commands import SendInvitationEmail
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.errors import RoleTooStrong
from domain.access.permissions import MEMBERS_INVITE_PERMISSION, ScopeKind
from domain.access.roles import Role, resolve_role
from domain.ids import new_id
from domain.invitations.csv_rows import parse_invite_csv
from domain.invitations.email_address import normalise_email
from domain.invitations.errors import AlreadyInvited, InvalidInvitation, InviteeAlreadyMember
from domain.invitations.expiry import expires_at
from domain.invitations.invitation import InvitationStatus, InvitationTarget, new_invitation
from domain.invitations.planning import InvitePlan, SkipReason, plan_invitations
from domain.invitations.requests import InviteRow, bulk_rows
from domain.request_context import RequestContext


@dataclass(frozen=True)
class SingleInvite:
    email: str
    role: str


@dataclass(frozen=True)
class BulkInvite:
    entries: Sequence[tuple[str, str]]  # (email, role) ≤ 100


@dataclass(frozen=True)
class CsvInvite:
    content: str  # ≤ 1 MB, ≤ 1,000 rows, header with ``email`` and ``role``


InviteRequest = SingleInvite | BulkInvite | CsvInvite


def target_of(access: ScopeAccess) -> InvitationTarget:
    org = access.organization.id
    if access.kind is ScopeKind.ORGANIZATION:
        return InvitationTarget.organization(org)
    if access.kind is ScopeKind.TEAM:
        return InvitationTarget.team(org, access.team.id)
    return InvitationTarget.project(org, access.team.id, access.project.id)


@dataclass(frozen=True, eq=False)
class InviteMembers:
    """Create invitations to a scope the caller may invite to (``<scope>:members:invite``).

    A single invitation fails loudly (400 bad e-mail or role, 403 role above the caller's own,
    409 already a member or already invited). Lists and CSVs create what they can and report every
    other row with its reason. Each invitation is audited and mailed through the outbox, its code
    sealed (the code itself is never stored nor returned).
    """

    uow: UnitOfWorkFactory[InvitationsUnitOfWork]
    clock: Clock
    authorizer: Authorizer
    sealer: CodeSealer

    async def __call__(
        self,
        caller: Principal,
        kind: ScopeKind,
        ref: str,
        request: InviteRequest,
        expires_in_days: int | None,
        ctx: RequestContext,
    ) -> InviteOutcome:
        now = self.clock.now()
        expires_at(now, expires_in_days)  # reject a bad expiry before touching anything
        rows = _rows(request)
        async with self.uow() as uow:
            access = await self.authorizer.scope(
                uow.scopes, caller.user_id, kind, ref, MEMBERS_INVITE_PERMISSION[kind]
            )
            # One inviter at a time per organization: no two open invitations for one address.
            await uow.organizations.lock(access.organization.id)
            roles = await scope_roles(uow, access.organization.id, kind)
            if isinstance(request, SingleInvite):
                role = resolve_role(request.role, kind, roles)
                if not access.power.covers(role):
                    raise RoleTooStrong("You cannot invite with a role stronger than your own")
            plan = await self._plan(uow, access, rows, roles, now)
            if isinstance(request, SingleInvite) and plan.skipped:
                _raise_for(plan)
            target = target_of(access)
            audit = AuditWriter(uow.audit, actor_id=caller.user_id, now=now, context=ctx)
            by_id = {r.id: r for r in roles}
            created = []
            for planned in plan.create:
                invitation, code = new_invitation(
                    invitation_id=new_id(),
                    target=target,
                    email=planned.email,
                    role_id=planned.role_id,
                    invited_by=caller.user_id,
                    now=now,
                    expires_in_days=expires_in_days,
                )
                await uow.invitations.add(invitation)
                await uow.outbox.add(
                    SendInvitationEmail(
                        invitation_id=invitation.id,
                        sealed_code=self.sealer.seal(code.plaintext, bound_to=invitation.id),
                        dedupe_key=f"invitation-email:{invitation.id}",
                    )
                )
                await audit.write(
                    "invitation.created",
                    target.ref,
                    "invitation",
                    invitation.id,
                    after=_state(invitation.email, planned.role_id, invitation.expires_at),
                )
                role = by_id[planned.role_id]
                created.append(InvitationView(invitation, role, InvitationStatus.PENDING, True))
            await uow.commit()
        return InviteOutcome(tuple(created), plan.skipped)

    async def _plan(
        self,
        uow: InvitationsUnitOfWork,
        access: ScopeAccess,
        rows: list[InviteRow],
        roles: tuple[Role, ...],
        now: datetime,
    ) -> InvitePlan:
        emails = [e for e in (normalise_email(r.email) for r in rows) if e is not None]
        scope = access.node.ref
        return plan_invitations(
            rows,
            roles=catalogue(roles, access.power),
            members=await uow.invitations.member_emails(scope, emails),
            pending=await uow.invitations.open_emails(scope, emails, now),
        )


def _rows(request: InviteRequest) -> list[InviteRow]:
    if isinstance(request, SingleInvite):
        if normalise_email(request.email) is None:
            raise InvalidInvitation(
                "Invalid e-mail address",
                details=[{"field": "email", "message": "not a valid address"}],
            )
        return [InviteRow(row=1, email=request.email, role=request.role)]
    if isinstance(request, BulkInvite):
        return bulk_rows(request.entries)
    return parse_invite_csv(request.content)


def _raise_for(plan: InvitePlan) -> None:
    skipped = plan.skipped[0]
    if skipped.reason is SkipReason.ALREADY_MEMBER:
        raise InviteeAlreadyMember("This person is already a member")
    if skipped.reason is SkipReason.ALREADY_INVITED:
        raise AlreadyInvited("This person already has a pending invitation")
    raise InvalidInvitation(
        skipped.message, details=[{"field": "email", "message": skipped.message}]
    )


def _state(email: str, role_id: str, expires: datetime) -> dict[str, str]:
    return {"email": email, "roleId": role_id, "expiresAt": expires.isoformat()}
