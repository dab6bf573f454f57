"""The support desk's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.identity.ports import UserRepository
from application.ports.audit import AuditLog
from application.ports.outbox import Outbox
from application.ports.unit_of_work import UnitOfWork
from application.support.ports import TicketRepository


class SupportUnitOfWork(UnitOfWork, Protocol):
    support_tickets: TicketRepository
    users: UserRepository  # requesters' and assignees' names and addresses
    outbox: Outbox  # triage job, e-mails, notifications, realtime events
    audit: AuditLog  # agents' changes
