"""The triage job (``support.triage``): classify a new ticket, then confirm it to its requester.

The model (the assistant's ``LanguageModel`` port: structured output, temperature 0, no tools) is
asked outside any transaction; a missing key (no model), a failure, a timeout, or an answer that is
not exactly the schema leaves the decision to the original's keyword rules (``domain/support/
triage.py``). What an agent set before the job ran stays (``SupportTicket.triaged``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.assistant.ports import LanguageModel
from application.jobs.errors import PermanentJobFailure
from application.ports.clock import Clock
from application.ports.outbox_commands import (
    CreateNotification,
    MalformedCommand,
    SendEmail,
    TriageSupportTicket,
)
from application.ports.unit_of_work import UnitOfWorkFactory
from application.support.notices import email_context
from application.support.unit_of_work import SupportUnitOfWork
from domain.assistant.errors import ModelFailure
from domain.support.ticket import SupportTicket, Triage
from domain.support.triage import (
    SYSTEM_INSTRUCTION,
    TRIAGE_SCHEMA,
    fenced_ticket,
    keyword_triage,
    model_triage,
    steers_the_triage,
)

log = logging.getLogger(__name__)

#: The model gets this long (its own retries included) before the rules decide.
TRIAGE_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True, eq=False)
class TicketTriage:
    """Model first when there is one, the rules whenever the model's answer cannot be used."""

    model: LanguageModel | None
    timeout_seconds: float = TRIAGE_TIMEOUT_SECONDS

    async def __call__(self, subject: str, message: str) -> Triage:
        rules = keyword_triage(subject, message)
        if self.model is None or steers_the_triage(subject, message):
            return rules
        try:
            answer = await asyncio.wait_for(
                self.model.generate_json(
                    system_instruction=SYSTEM_INSTRUCTION,
                    prompt=fenced_ticket(subject, message),
                    schema=TRIAGE_SCHEMA,
                ),
                self.timeout_seconds,
            )
        except (ModelFailure, TimeoutError) as failure:
            log.warning("support.triage.model_failed: %s", failure)
            return rules
        return model_triage(answer, rules) or rules


@dataclass(frozen=True, eq=False)
class TriageTicket:
    """Job handler for ``TriageSupportTicket``; a redelivery finds the ticket triaged and stops."""

    uow: UnitOfWorkFactory[SupportUnitOfWork]
    clock: Clock
    triage: TicketTriage

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        try:
            command = TriageSupportTicket.from_payload(payload)
        except MalformedCommand as exc:
            raise PermanentJobFailure(f"{TriageSupportTicket.TOPIC} {message_id}: {exc}") from None
        async with self.uow() as uow:
            ticket = await uow.support_tickets.get(command.ticket_id)
        if ticket is None or ticket.triaged_at is not None:
            return
        triage = await self.triage(ticket.subject, ticket.message)
        async with self.uow() as uow:
            current = await uow.support_tickets.get(command.ticket_id, for_update=True)
            if current is None or current.triaged_at is not None:
                return
            triaged = current.triaged(triage, self.clock.now())
            await uow.support_tickets.save(triaged)
            await self._confirm(uow, triaged)
            await uow.commit()

    async def _confirm(self, uow: SupportUnitOfWork, ticket: SupportTicket) -> None:
        severity = ticket.severity.value if ticket.severity else "LOW"
        details = await email_context(uow, ticket)
        await uow.outbox.add(
            SendEmail(
                to=ticket.requester_email,
                template="support-confirmation",
                context={**details, "severity": severity},
                dedupe_key=f"support-confirmation:{ticket.id}",
            )
        )
        if ticket.requester_id is not None:
            await uow.outbox.add(
                CreateNotification(
                    user_id=ticket.requester_id,
                    title="Support Request Submitted",
                    message=(
                        f'We received "{ticket.subject[:100]}" and will respond within 24-48 hours.'
                    ),
                    action_url=f"/support/{ticket.id}",
                    metadata={"ticketId": ticket.id, "severity": severity},
                    dedupe_key=f"support-submitted:{ticket.id}",
                )
            )
