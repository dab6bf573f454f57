"""Support tickets in memory (the store's lock serialises intakes, as SQLite does)."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository
from application.pagination import Page, PageRequest
from application.support.ports import QueueFilter, Requester
from domain.support.ticket import SupportTicket, TicketMessage


def _key(ticket: SupportTicket) -> tuple[datetime, str]:
    return ticket.created_at, ticket.id


def _page(items: list[SupportTicket], page: PageRequest) -> Page[SupportTicket]:
    return newest_first(sorted(items, key=_key, reverse=True), page, _key)


@REPOSITORIES.register("support_tickets")
class MemoryTicketRepository(MemoryRepository):
    async def add(self, ticket: SupportTicket) -> None:
        if ticket.id in self._s.support.tickets:
            raise ValueError(f"ticket {ticket.id} exists")
        self._s.support.tickets[ticket.id] = ticket

    async def get(self, ticket_id: str, *, for_update: bool = False) -> SupportTicket | None:
        return self._s.support.tickets.get(ticket_id)

    async def save(self, ticket: SupportTicket) -> None:
        self._s.support.tickets[ticket.id] = ticket

    async def add_message(self, message: TicketMessage) -> None:
        self._s.support.messages.append(message)

    async def messages(self, ticket_id: str, *, include_internal: bool) -> list[TicketMessage]:
        found = [
            m
            for m in self._s.support.messages
            if m.ticket_id == ticket_id and (include_internal or not m.internal)
        ]
        return sorted(found, key=lambda m: (m.created_at, m.id))

    async def list_for_requester(self, requester_id: str, page: PageRequest) -> Page[SupportTicket]:
        mine = [t for t in self._s.support.tickets.values() if t.requester_id == requester_id]
        return _page(mine, page)

    async def queue(self, flt: QueueFilter, page: PageRequest) -> Page[SupportTicket]:
        def wanted(t: SupportTicket) -> bool:
            if flt.unassigned and t.assignee_id is not None:
                return False
            if not flt.unassigned and flt.assignee_id not in (None, t.assignee_id):
                return False
            return flt.status in (None, t.status) and flt.severity in (None, t.severity)

        return _page([t for t in self._s.support.tickets.values() if wanted(t)], page)

    async def lock_requester(self, requester: Requester) -> None:
        return None

    async def opened_since(self, requester: Requester, since: datetime) -> list[datetime]:
        def theirs(t: SupportTicket) -> bool:
            if requester.user_id is not None:
                return t.requester_id == requester.user_id
            if t.requester_id is not None:
                return False
            if requester.email is not None:
                return t.requester_email == requester.email
            return t.client_ip == requester.client_ip

        tickets = self._s.support.tickets.values()
        return [t.created_at for t in tickets if t.created_at > since and theirs(t)]

    async def breached_candidates(self, now: datetime, limit: int) -> list[SupportTicket]:
        late = [t for t in self._s.support.tickets.values() if t.is_breached_at(now)]
        return sorted(late, key=lambda t: (t.first_response_due_at, t.id))[:limit]
