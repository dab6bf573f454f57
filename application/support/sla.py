"""The SLA breach sweep (periodic ``support.sla_breaches``): each late ticket is marked once and
its agents told once (the mark and the notices commit together; notices are deduplicated)."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.clock import Clock
from application.ports.outbox_commands import CreateNotification
from application.ports.unit_of_work import UnitOfWorkFactory
from application.support.agents import SupportAgents
from application.support.unit_of_work import SupportUnitOfWork
from domain.notifications.notification import NotificationType
from domain.support.ticket import SupportTicket

BREACH_BATCH = 100


@dataclass(frozen=True, eq=False)
class MarkBreachedTickets:
    uow: UnitOfWorkFactory[SupportUnitOfWork]
    clock: Clock
    agents: SupportAgents
    batch: int = BREACH_BATCH

    async def __call__(self) -> int:
        """Marks every ticket due by now; returns how many were marked."""
        now, marked = self.clock.now(), 0
        while True:
            async with self.uow() as uow:
                late = await uow.support_tickets.breached_candidates(now, self.batch)
                for ticket in late:
                    breached = ticket.marked_breached(now)
                    await uow.support_tickets.save(breached)
                    for user_id in await self._recipients(uow, breached):
                        await uow.outbox.add(_notice(user_id, breached))
                await uow.commit()
            marked += len(late)
            if len(late) < self.batch:
                return marked

    async def _recipients(self, uow: SupportUnitOfWork, ticket: SupportTicket) -> list[str]:
        """The assignee; nobody assigned: every configured agent with an account."""
        if ticket.assignee_id is not None:
            return [ticket.assignee_id]
        found = []
        for subject in sorted(self.agents.subjects):
            user = await uow.users.get_by_subject(subject)
            if user is not None and not user.is_deleted:
                found.append(user.id)
        return found


def _notice(user_id: str, ticket: SupportTicket) -> CreateNotification:
    severity = ticket.severity.value if ticket.severity else "LOW"
    return CreateNotification(
        user_id=user_id,
        type=NotificationType.ALERT,
        title="Support SLA breached",
        message=f'No first response yet to "{ticket.subject[:100]}" ({severity}).',
        action_url=f"/admin/support/{ticket.id}",
        metadata={"ticketId": ticket.id, "severity": severity},
        dedupe_key=f"support-breach:{ticket.id}:{user_id}",
    )
