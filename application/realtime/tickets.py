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


@dataclass(frozen=True, eq=False)
class IssueTicket:
    tickets: TicketStore
    ttl_seconds: int = TICKET_TTL_SECONDS

    async def __call__(self, principal: Principal) -> Ticket:
        return Ticket(
            await self.tickets.issue(principal.user_id, self.ttl_seconds), self.ttl_seconds
        )


@dataclass(frozen=True, eq=False)
class RedeemTicket:
    tickets: TicketStore

    async def __call__(self, ticket: str) -> str | None:
        return await self.tickets.redeem(ticket)
