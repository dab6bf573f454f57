"""Issuing connection tickets: for clients that cannot send an Authorization header."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.principal import Principal
from application.realtime.ports import TicketStore

#: Seconds a ticket stays redeemable (API.md: 60).
TICKET_TTL_SECONDS = 60


@dataclass(frozen=True)
class Ticket:
    value: str
    expires_in: int


class IssueTicket:
    def __init__(self, tickets: TicketStore, ttl_seconds: int = TICKET_TTL_SECONDS) -> None:
        self._tickets = tickets
        self._ttl = ttl_seconds

    async def __call__(self, principal: Principal) -> Ticket:
        return Ticket(await self._tickets.issue(principal.user_id, self._ttl), self._ttl)


@dataclass(frozen=True, eq=False)
class RedeemTicket:
    tickets: TicketStore

    async def __call__(self, ticket: str) -> str | None:
        return await self.tickets.redeem(ticket)
