"""The requester's side: their tickets, each with its public thread, and replies (which reopen)."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.principal import Principal
from application.own_pages import ListOwn
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.support.notices import announce
from application.support.unit_of_work import SupportUnitOfWork
from domain.ids import new_id
from domain.support.errors import TicketNotFound
from domain.support.ticket import SupportTicket, TicketMessage


@dataclass(frozen=True)
class TicketThread:
    ticket: SupportTicket
    messages: list[TicketMessage]


async def own_ticket(
    uow: SupportUnitOfWork, principal: Principal, ticket_id: str, *, for_update: bool = False
) -> SupportTicket:
    """The caller's ticket; someone else's is as absent as a missing one (404)."""
    ticket = await uow.support_tickets.get(ticket_id, for_update=for_update)
    if ticket is None or ticket.requester_id != principal.user_id:
        raise TicketNotFound()
    return ticket


class ListMyTickets(ListOwn[SupportUnitOfWork, SupportTicket]):
    async def _page(
        self, uow: SupportUnitOfWork, user_id: str, page: PageRequest
    ) -> Page[SupportTicket]:
        return await uow.support_tickets.list_for_requester(user_id, page)


@dataclass(frozen=True, eq=False)
class GetMyTicket:
    """A ticket with its thread as the requester sees it: internal notes are never read."""

    uow: UnitOfWorkFactory[SupportUnitOfWork]

    async def __call__(self, principal: Principal, ticket_id: str) -> TicketThread:
        async with self.uow() as uow:
            ticket = await own_ticket(uow, principal, ticket_id)
            messages = await uow.support_tickets.messages(ticket.id, include_internal=False)
        return TicketThread(ticket, messages)


@dataclass(frozen=True, eq=False)
class ReplyToMyTicket:
    uow: UnitOfWorkFactory[SupportUnitOfWork]
    clock: Clock

    async def __call__(self, principal: Principal, ticket_id: str, body: str) -> TicketThread:
        now = self.clock.now()
        async with self.uow() as uow:
            ticket = await own_ticket(uow, principal, ticket_id, for_update=True)
            replied = ticket.replied_by_requester(now)
            await uow.support_tickets.save(replied)
            await uow.support_tickets.add_message(
                TicketMessage(new_id(), ticket.id, principal.user_id, False, body, False, now)
            )
            if replied.status is not ticket.status:
                await announce(uow, replied)
            messages = await uow.support_tickets.messages(ticket.id, include_internal=False)
            await uow.commit()
        return TicketThread(replied, messages)
