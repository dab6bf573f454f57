"""Invitations are only as good as their inviter's power now (domain/invitations/inviter_authority).

Two guards, both recorded in the audit trail with the reason:

* at acceptance, ``lapse_of_invitation`` re-authorizes the inviter against their current roles
  and membership (the guard that always holds, whatever changed and however);
* after a change that can take power away — a member removed, leaving, demoted, a custom role
  edited, an account deleted — ``revoke_lapsed_invitations`` revokes the pending invitations
  their inviters can no longer grant, in the same transaction, so lists stop showing them as
  pending and no e-mail goes out for them.
"""

from __future__ import annotations

from typing import Any

from application.access.authorizer import node_of, read_chain
from application.access.ports import ScopeChain
from application.audit.writer import AuditWriter
from application.invitations.scope_roles import scope_hidden, scope_roles
from application.invitations.unit_of_work import RevocationUnitOfWork
from domain.access.memberships import AccessPrincipal
from domain.access.permissions import ScopeKind
from domain.access.power import member_power
from domain.access.roles import Role
from domain.access.scopes import ScopeRef
from domain.invitations.invitation import Invitation
from domain.invitations.inviter_authority import Lapse, lapse_of

REVOKED = "invitation.revoked"


class _Lookups:
    """Per-sweep memo: one chain per (inviter, scope), one user and one role list per need."""

    def __init__(self, uow: RevocationUnitOfWork):
        self._uow = uow
        self._chains: dict[tuple[str, str], ScopeChain | None] = {}
        self._active: dict[str, bool] = {}
        self._roles: dict[tuple[str, ScopeKind], tuple[Role, ...]] = {}

    async def chain(self, invitation: Invitation) -> ScopeChain | None:
        t, key = invitation.target, (invitation.invited_by, invitation.target.scope_id)
        if key not in self._chains:
            self._chains[key] = await read_chain(
                self._uow.scopes, t.scope, t.scope_id, invitation.invited_by
            )
        return self._chains[key]

    async def active(self, user_id: str) -> bool:
        if user_id not in self._active:
            user = await self._uow.users.get(user_id)
            self._active[user_id] = user is not None and not user.is_deleted
        return self._active[user_id]

    async def role(self, invitation: Invitation) -> Role | None:
        key = (invitation.target.organization_id, invitation.target.scope)
        if key not in self._roles:
            self._roles[key] = await scope_roles(self._uow, *key)
        return next((r for r in self._roles[key] if r.id == invitation.role_id), None)


async def _lapse(lookups: _Lookups, invitation: Invitation, role: Role) -> Lapse | None:
    chain = await lookups.chain(invitation)
    if chain is None or scope_hidden(chain):
        return None  # the scope is gone: the invitation is unusable anyway (410 on use)
    inviter = AccessPrincipal.of(invitation.invited_by, chain.memberships)
    org_ref = ScopeRef(ScopeKind.ORGANIZATION, chain.organization.id)
    return lapse_of(
        inviter_active=await lookups.active(invitation.invited_by),
        inviter_is_member=inviter.held_on(org_ref) is not None,
        inviter=member_power(inviter, node_of(chain)),
        role=role,
    )


async def lapse_of_invitation(
    uow: RevocationUnitOfWork, invitation: Invitation, role: Role
) -> Lapse | None:
    """Why the inviter can no longer vouch for ``invitation`` (with its current ``role``), or
    None while they still can."""
    return await _lapse(_Lookups(uow), invitation, role)


async def revoke_for_lapse(
    uow: RevocationUnitOfWork,
    invitation: Invitation,
    lapse: Lapse,
    audit: AuditWriter,
    *,
    cause: str,
) -> None:
    """Revoke ``invitation`` and say why in the audit trail. ``audit``'s actor is whoever made
    the change that took the inviter's power away (None: noticed by the system, e.g. at
    acceptance); ``cause`` names that change (``member.removed``, ``role.updated``…)."""
    await uow.invitations.save(invitation.revoke(by=audit.actor_id, now=audit.now))
    after: dict[str, Any] = {
        "status": "revoked",
        "reason": lapse.value,
        "invitedBy": invitation.invited_by,
        "cause": cause,
    }
    await audit.write(
        REVOKED,
        invitation.target.ref,
        "invitation",
        invitation.id,
        before={"status": "pending"},
        after=after,
    )


async def revoke_lapsed_invitations(
    uow: RevocationUnitOfWork,
    audit: AuditWriter,
    *,
    cause: str,
    organization_id: str | None = None,
    invited_by: str | None = None,
) -> list[Invitation]:
    """Revoke every pending invitation of ``organization_id`` and/or by ``invited_by`` whose
    inviter may no longer grant it; call it in the transaction of the change, after the change,
    with that change's audit writer (its actor, request and instant)."""
    lookups = _Lookups(uow)
    revoked: list[Invitation] = []
    pending = await uow.invitations.open_invitations(
        audit.now, organization_id=organization_id, invited_by=invited_by
    )
    for invitation in pending:
        role = await lookups.role(invitation)
        if role is None:
            continue  # its custom role was deleted: unusable anyway (410 on use)
        lapse = await _lapse(lookups, invitation, role)
        if lapse is not None:
            await revoke_for_lapse(uow, invitation, lapse, audit, cause=cause)
            revoked.append(invitation)
    return revoked
