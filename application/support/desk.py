"""The agents' side: the queue, a ticket with its whole thread, changes, replies and notes.

Public replies are e-mailed to the requester (``support-reply``) and announced to a signed-in
one; internal notes are stored for agents only and leave through nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.audit.writer import AuditScope, AuditWriter
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.outbox_commands import SendEmail
from application.ports.unit_of_work import UnitOfWorkFactory
from application.support.agents import SupportAgents
from application.support.notices import announce, email_context
from application.support.ports import QueueFilter
from application.support.requester import TicketThread
from application.support.unit_of_work import SupportUnitOfWork
from domain.ids import new_id
from domain.request_context import RequestContext
from domain.support.errors import InvalidAssignee, TicketNotFound
from domain.support.ticket import Severity, SupportTicket, TicketMessage, TicketStatus, TicketType

AUDIT_SCOPE = AuditScope.platform("support")


@dataclass(frozen=True)
class TicketPatch:
    """An agent's change; ``None`` leaves a field as it is, ``unassign`` clears the assignee."""

    status: TicketStatus | None = None
    severity: Severity | None = None
    type: TicketType | None = None
    assignee_id: str | None = None
    unassign: bool = False


def audit_state(ticket: SupportTicket) -> dict[str, Any]:
    return {
        "status": ticket.status.value,
        "severity": ticket.severity.value if ticket.severity else None,
        "type": ticket.type.value if ticket.type else None,
        "assigneeId": ticket.assignee_id,
    }


async def _audit(
    audit: AuditWriter, action: str, before: SupportTicket, after: SupportTicket
) -> None:
    """An agent's act on a ticket in the support trail, with the ticket's state around it."""
    await audit.change(action, AUDIT_SCOPE, "support_ticket", audit_state, before, after)


@dataclass(frozen=True, eq=False)
class _DeskUseCase:
    uow: UnitOfWorkFactory[SupportUnitOfWork]
    clock: Clock
    agents: SupportAgents

    async def _ticket(
        self, uow: SupportUnitOfWork, ticket_id: str, *, for_update: bool = False
    ) -> SupportTicket:
        ticket = await uow.support_tickets.get(ticket_id, for_update=for_update)
        if ticket is None:
            raise TicketNotFound()
        return ticket


class ListQueue(_DeskUseCase):
    async def __call__(
        self, principal: Principal, flt: QueueFilter, page: PageRequest
    ) -> Page[SupportTicket]:
        self.agents.require(principal)
        async with self.uow() as uow:
            return await uow.support_tickets.queue(flt, page)


class GetDeskTicket(_DeskUseCase):
    async def __call__(self, principal: Principal, ticket_id: str) -> TicketThread:
        self.agents.require(principal)
        async with self.uow() as uow:
            ticket = await self._ticket(uow, ticket_id)
            messages = await uow.support_tickets.messages(ticket.id, include_internal=True)
        return TicketThread(ticket, messages)


class UpdateTicket(_DeskUseCase):
    async def __call__(
        self, principal: Principal, ticket_id: str, patch: TicketPatch, context: RequestContext
    ) -> SupportTicket:
        self.agents.require(principal)
        now = self.clock.now()
        async with self.uow() as uow:
            ticket = await self._ticket(uow, ticket_id, for_update=True)
            if patch.assignee_id is not None and patch.assignee_id != ticket.assignee_id:
                assignee = await uow.users.get(patch.assignee_id)
                if assignee is None or not self.agents.may_be_assigned(assignee, principal):
                    raise InvalidAssignee()
            changed = ticket.edited_by_agent(
                now,
                status=patch.status,
                severity=patch.severity,
                type=patch.type,
                assignee_id=patch.assignee_id,
                unassign=patch.unassign,
            )
            if changed == ticket:
                return ticket
            await uow.support_tickets.save(changed)
            audit = AuditWriter(uow.audit, actor_id=principal.user_id, now=now, context=context)
            await _audit(audit, "support.ticket_updated", ticket, changed)
            if changed.status is not ticket.status:
                await announce(uow, changed)
            await uow.commit()
        return changed


class ReplyAsAgent(_DeskUseCase):
    async def __call__(
        self,
        principal: Principal,
        ticket_id: str,
        body: str,
        *,
        internal: bool,
        context: RequestContext,
    ) -> TicketThread:
        self.agents.require(principal)
        now = self.clock.now()
        async with self.uow() as uow:
            ticket = await self._ticket(uow, ticket_id, for_update=True)
            replied = ticket.replied_by_agent(now, internal=internal)
            reply = TicketMessage(new_id(), ticket.id, principal.user_id, True, body, internal, now)
            await uow.support_tickets.save(replied)
            await uow.support_tickets.add_message(reply)
            if not internal:
                details = await email_context(uow, replied)
                await uow.outbox.add(
                    SendEmail(
                        to=replied.requester_email,
                        template="support-reply",
                        context={**details, "reply": body, "status": replied.status.value},
                        dedupe_key=f"support-reply:{reply.id}",
                    )
                )
                await announce(uow, replied)
            audit = AuditWriter(uow.audit, actor_id=principal.user_id, now=now, context=context)
            await _audit(
                audit, "support.note_added" if internal else "support.replied", ticket, replied
            )
            messages = await uow.support_tickets.messages(ticket.id, include_internal=True)
            await uow.commit()
        return TicketThread(replied, messages)
