"""Persistence of support tickets and their threads (``uow.support_tickets``); never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.pagination import Page, PageRequest
from domain.support.ticket import Severity, SupportTicket, TicketMessage, TicketStatus


@dataclass(frozen=True)
class QueueFilter:
    """The agents' queue: every field narrows it; ``unassigned`` wants tickets with nobody."""

    status: TicketStatus | None = None
    severity: Severity | None = None
    assignee_id: str | None = None
    unassigned: bool = False


@dataclass(frozen=True)
class Requester:
    """Whose openings an intake limit counts: exactly one of the three is set."""

    user_id: str | None = None
    email: str | None = None  # anonymous requests by this (lower-cased) address
    client_ip: str | None = None  # anonymous requests from this client address

    @property
    def key(self) -> str:
        return f"support-intake:{self.user_id or ''}:{self.email or ''}:{self.client_ip or ''}"


class TicketRepository(Protocol):
    async def add(self, ticket: SupportTicket) -> None: ...

    async def get(self, ticket_id: str, *, for_update: bool = False) -> SupportTicket | None:
        """``for_update``: locked against concurrent changes until the unit of work ends."""
        ...

    async def save(self, ticket: SupportTicket) -> None: ...

    async def add_message(self, message: TicketMessage) -> None: ...

    async def messages(self, ticket_id: str, *, include_internal: bool) -> list[TicketMessage]:
        """The thread after the opening message, oldest first."""
        ...

    async def list_for_requester(self, requester_id: str, page: PageRequest) -> Page[SupportTicket]:
        """The user's tickets, newest first."""
        ...

    async def queue(self, flt: QueueFilter, page: PageRequest) -> Page[SupportTicket]:
        """Every ticket matching ``flt``, newest first."""
        ...

    async def lock_requester(self, requester: Requester) -> None:
        """Serialise intakes of one requester until the unit of work ends (the limit is then
        exact under concurrent requests)."""
        ...

    async def opened_since(self, requester: Requester, since: datetime) -> list[datetime]:
        """Creation times of the requester's tickets opened after ``since``."""
        ...

    async def breached_candidates(self, now: datetime, limit: int) -> list[SupportTicket]:
        """Tickets past their first-response due time, unanswered and not yet marked, locked
        (skipping those another sweep holds), oldest due first."""
        ...
