"""The ``SendInvitationEmail`` outbox handler: mail the invitee their link, once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.access.authorizer import read_chain
from application.invitations.code_sealer import CodeSealer, SealBroken
from application.invitations.scope_roles import names, scope_hidden, scope_roles
from application.invitations.unit_of_work import InvitationsUnitOfWork
from application.ports.clock import Clock
from application.ports.messaging import EmailMessage, EmailSender, EmailTemplates
from application.ports.outbox_commands import MalformedCommand, SendInvitationEmail
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.invitations.invitation import InvitationStatus

TEMPLATE = "invite"


def invite_url(frontend_url: str, code: str) -> str:
    return f"{frontend_url.rstrip('/')}/invites/{code}"


@dataclass(frozen=True, eq=False)
class SendInvitationEmailHandler:
    """Payload ``{"invitationId", "sealedCode"}`` (see ADR 0040 in docs/decisions).

    Nothing is sent for an invitation revoked, answered or expired before the job ran. The provider
    dedupes on ``invitation/<id>``, so a redelivered message does not mail twice.
    """

    uow: UnitOfWorkFactory[InvitationsUnitOfWork]
    clock: Clock
    sealer: CodeSealer
    templates: EmailTemplates
    sender: EmailSender
    frontend_url: str

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        try:
            command = SendInvitationEmail.from_payload(payload)
        except MalformedCommand as exc:
            raise SealBroken(f"{SendInvitationEmail.TOPIC} {message_id}: {exc}") from None
        await self.handle(command)

    async def handle(self, command: SendInvitationEmail) -> None:
        invitation_id, sealed = command.invitation_id, command.sealed_code
        async with self.uow() as uow:
            invitation = await uow.invitations.get(invitation_id)
            if invitation is None:
                return
            if invitation.status_at(self.clock.now()) is not InvitationStatus.PENDING:
                return
            target = invitation.target
            chain = await read_chain(uow.scopes, target.scope, target.scope_id, None)
            if chain is None or scope_hidden(chain):
                return
            roles = await scope_roles(uow, target.organization_id, target.scope)
            role = next((r.name for r in roles if r.id == invitation.role_id), None)
            inviter = await uow.users.get(invitation.invited_by)
        code = self.sealer.unseal(sealed, bound_to=invitation.id)
        org, team, project = names(chain)
        scope_name = (project or team or org).name
        rendered = self.templates.render(
            TEMPLATE,
            {
                "inviter_name": (inviter.display_name if inviter else None) or "Someone",
                "scope": target.scope.value,
                "scope_name": scope_name,
                "organization_name": org.name,
                "role": role or "Member",
                "invite_url": invite_url(self.frontend_url, code),
                "expires_at": invitation.expires_at.strftime("%d %B %Y, %H:%M UTC"),
            },
        )
        await self.sender.send(
            EmailMessage.rendered(
                invitation.email,
                TEMPLATE,
                rendered,
                idempotency_key=f"invitation/{invitation.id}",
            )
        )
