"""What the requester hears of a ticket: the realtime event, and the e-mails' shared context."""

from __future__ import annotations

from typing import Any

from application.ports.outbox_commands import PublishRealtime
from application.support.unit_of_work import SupportUnitOfWork
from domain.realtime.events import SUPPORT_TICKET_UPDATED
from domain.support.ticket import SupportTicket


async def announce(uow: SupportUnitOfWork, ticket: SupportTicket) -> None:
    """``support.ticket.updated`` to a signed-in requester, published after this commit."""
    if ticket.requester_id is not None:
        data = {"ticketId": ticket.id, "status": ticket.status.value}
        await uow.outbox.add(PublishRealtime(ticket.requester_id, SUPPORT_TICKET_UPDATED, data))


async def email_context(uow: SupportUnitOfWork, ticket: SupportTicket) -> dict[str, Any]:
    """Template variables every support e-mail uses (``name`` only when known)."""
    context: dict[str, Any] = {"ticket_id": ticket.id, "subject": ticket.subject}
    if ticket.requester_id is not None:
        user = await uow.users.get(ticket.requester_id)
        if user is not None and user.display_name:
            context["name"] = user.display_name
    return context
