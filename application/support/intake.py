"""Opening a ticket: stored at once (its real id in the answer), limited per requester, then
triaged and confirmed by a job (``TriageSupportTicket`` through the outbox)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from application.identity.principal import Principal
from application.ports.clock import Clock
from application.ports.email_domains import DisposableEmailCheck
from application.ports.outbox_commands import TriageSupportTicket
from application.ports.unit_of_work import UnitOfWorkFactory
from application.support.ports import Requester
from application.support.unit_of_work import SupportUnitOfWork
from domain.ids import new_id
from domain.request_context import RequestContext
from domain.support.errors import DisposableEmailRefused, RequesterEmailRequired, TooManyTickets
from domain.support.ticket import SupportTicket


@dataclass(frozen=True)
class IntakeLimits:
    """API.md "Support desk": 3 an hour signed in; 1 an hour per address when anonymous (the
    e-mail address and the client address are each counted)."""

    window: timedelta = timedelta(hours=1)
    signed_in: int = 3
    anonymous: int = 1


class OpenTicket:
    def __init__(
        self,
        uow: UnitOfWorkFactory[SupportUnitOfWork],
        clock: Clock,
        disposable: DisposableEmailCheck,
        limits: IntakeLimits = IntakeLimits(),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._disposable = disposable
        self._limits = limits

    async def __call__(
        self,
        principal: Principal | None,
        *,
        subject: str,
        message: str,
        email: str | None,
        context: RequestContext,
    ) -> SupportTicket:
        address = (email or (principal.email if principal else None) or "").strip().lower()
        if not address:
            raise RequesterEmailRequired(
                "An e-mail address is required"
                + (" (your account has none)" if principal else " when not signed in")
            )
        if email is not None and self._disposable.is_disposable(address):
            raise DisposableEmailRefused()
        if principal is not None:
            requesters, most = [Requester(user_id=principal.user_id)], self._limits.signed_in
        else:
            requesters = [Requester(email=address)]
            if context.ip:
                requesters.append(Requester(client_ip=context.ip))
            most = self._limits.anonymous
        now = self._clock.now()
        since = now - self._limits.window
        async with self._uow() as uow:
            for requester in requesters:  # one order (e-mail before client address): no deadlock
                await uow.support_tickets.lock_requester(requester)
            for requester in requesters:
                opened = await uow.support_tickets.opened_since(requester, since)
                if len(opened) >= most:
                    free_at = min(opened) + self._limits.window
                    wait = math.ceil((free_at - now).total_seconds())
                    raise TooManyTickets(retry_after=max(wait, 1))
            ticket = SupportTicket.opened(
                id=new_id(),
                subject=subject.strip(),
                message=message,
                requester_id=principal.user_id if principal else None,
                requester_email=address,
                now=now,
                client_ip=context.ip,
            )
            await uow.support_tickets.add(ticket)
            await uow.outbox.add(
                TriageSupportTicket(ticket.id, dedupe_key=f"support-triage:{ticket.id}")
            )
            await uow.commit()
        return ticket
