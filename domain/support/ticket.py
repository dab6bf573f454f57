"""Support tickets: the status machine, the first-response SLA, and who may change what.

Statuses ``NEW → OPEN → PENDING → RESOLVED → CLOSED`` (API.md "Support desk"); the edges are data
(``TRANSITIONS``) and every change goes through ``moved_to``. An agent's choice of type or severity
is remembered (``type_by_agent``/``severity_by_agent``) so triage never overwrites it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import MappingProxyType

from domain.support.errors import IllegalTicketTransition, TicketClosed


class TicketStatus(enum.StrEnum):
    NEW = "NEW"
    OPEN = "OPEN"
    PENDING = "PENDING"  # waiting on the requester
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class TicketType(enum.StrEnum):
    BUG = "BUG"
    FEATURE_REQUEST = "FEATURE_REQUEST"
    QUERY = "QUERY"
    SUGGESTION = "SUGGESTION"
    OTHER = "OTHER"


class Severity(enum.StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class TriageSource(enum.StrEnum):
    AI = "ai"
    RULES = "rules"


S = TicketStatus
TRANSITIONS: Mapping[TicketStatus, frozenset[TicketStatus]] = MappingProxyType(
    {
        S.NEW: frozenset({S.OPEN, S.CLOSED}),
        S.OPEN: frozenset({S.PENDING, S.RESOLVED, S.CLOSED}),
        S.PENDING: frozenset({S.OPEN, S.RESOLVED, S.CLOSED}),
        S.RESOLVED: frozenset({S.OPEN, S.CLOSED}),
        S.CLOSED: frozenset(),
    }
)
#: Statuses a requester's reply moves back to OPEN (the agent owes an answer again).
REOPENED_BY_REPLY = frozenset({S.PENDING, S.RESOLVED})
#: Statuses in which a first response is still owed (the SLA clock runs).
AWAITING_AGENT = frozenset({S.NEW, S.OPEN, S.PENDING})

#: First response due after creation, by severity (API.md "Support desk" SLA).
FIRST_RESPONSE_SLA: Mapping[Severity, timedelta] = MappingProxyType(
    {
        Severity.CRITICAL: timedelta(hours=1),
        Severity.HIGH: timedelta(hours=4),
        Severity.MEDIUM: timedelta(hours=24),
        Severity.LOW: timedelta(hours=72),
    }
)
#: Before triage the ticket is held to the original's default severity.
UNTRIAGED_SEVERITY = Severity.LOW


def first_response_due(created_at: datetime, severity: Severity | None) -> datetime:
    return created_at + FIRST_RESPONSE_SLA[severity or UNTRIAGED_SEVERITY]


def can_move(current: TicketStatus, wanted: TicketStatus) -> bool:
    return wanted in TRANSITIONS[current]


@dataclass(frozen=True)
class Triage:
    """A classification of a ticket, by the model or by the keyword rules."""

    type: TicketType
    severity: Severity
    short_description: str
    source: TriageSource


@dataclass(frozen=True)
class SupportTicket:
    id: str
    subject: str
    message: str
    requester_id: str | None  # platform user id; None for an anonymous requester
    requester_email: str
    status: TicketStatus
    created_at: datetime
    updated_at: datetime
    first_response_due_at: datetime
    type: TicketType | None = None
    severity: Severity | None = None
    short_description: str | None = None
    triage_source: TriageSource | None = None
    triaged_at: datetime | None = None
    type_by_agent: bool = False
    severity_by_agent: bool = False
    assignee_id: str | None = None
    first_responded_at: datetime | None = None
    breached_at: datetime | None = None
    client_ip: str | None = None

    @classmethod
    def opened(
        cls,
        *,
        id: str,
        subject: str,
        message: str,
        requester_id: str | None,
        requester_email: str,
        now: datetime,
        client_ip: str | None = None,
    ) -> SupportTicket:
        return cls(
            id=id,
            subject=subject,
            message=message,
            requester_id=requester_id,
            requester_email=requester_email,
            status=TicketStatus.NEW,
            created_at=now,
            updated_at=now,
            first_response_due_at=first_response_due(now, None),
            client_ip=client_ip,
        )

    # -- the status machine -----------------------------------------------------------------
    def moved_to(self, wanted: TicketStatus, now: datetime) -> SupportTicket:
        """``wanted`` (the same status is no change); an edge not in TRANSITIONS is refused."""
        if wanted is self.status:
            return self
        if not can_move(self.status, wanted):
            raise IllegalTicketTransition(self.status.value, wanted.value)
        return replace(self, status=wanted, updated_at=now)

    def replied_by_requester(self, now: datetime) -> SupportTicket:
        """A reply reopens a PENDING or RESOLVED ticket; a closed one takes no replies."""
        if self.status is TicketStatus.CLOSED:
            raise TicketClosed()
        if self.status in REOPENED_BY_REPLY:
            return self.moved_to(TicketStatus.OPEN, now)
        return replace(self, updated_at=now)

    def replied_by_agent(self, now: datetime, *, internal: bool) -> SupportTicket:
        """A public reply fulfils the first-response SLA and takes a NEW ticket to OPEN; an
        internal note changes nothing the requester could see."""
        if self.status is TicketStatus.CLOSED:
            raise TicketClosed()
        if internal:
            return replace(self, updated_at=now)
        answered = self.first_responded_at or now
        ticket = replace(self, first_responded_at=answered, updated_at=now)
        if ticket.status is TicketStatus.NEW:
            ticket = ticket.moved_to(TicketStatus.OPEN, now)
        return ticket

    # -- classification -----------------------------------------------------------------------
    def triaged(self, triage: Triage, now: datetime) -> SupportTicket:
        """Apply a triage once; what an agent has set stays as the agent set it."""
        if self.triaged_at is not None:
            return self
        severity = self.severity if self.severity_by_agent else triage.severity
        return replace(
            self,
            type=self.type if self.type_by_agent else triage.type,
            severity=severity,
            short_description=triage.short_description,
            triage_source=triage.source,
            triaged_at=now,
            first_response_due_at=first_response_due(self.created_at, severity),
        )

    def edited_by_agent(
        self,
        now: datetime,
        *,
        status: TicketStatus | None = None,
        severity: Severity | None = None,
        type: TicketType | None = None,
        assignee_id: str | None = None,
        unassign: bool = False,
    ) -> SupportTicket:
        ticket = self if status is None else self.moved_to(status, now)
        if severity is not None:
            ticket = replace(
                ticket,
                severity=severity,
                severity_by_agent=True,
                first_response_due_at=first_response_due(ticket.created_at, severity),
            )
        if type is not None:
            ticket = replace(ticket, type=type, type_by_agent=True)
        if unassign:
            ticket = replace(ticket, assignee_id=None)
        elif assignee_id is not None:
            ticket = replace(ticket, assignee_id=assignee_id)
        return ticket if ticket == self else replace(ticket, updated_at=now)

    # -- SLA --------------------------------------------------------------------------------
    def is_breached_at(self, now: datetime) -> bool:
        """Still owed a first response past its due time, and not yet marked."""
        return (
            self.breached_at is None
            and self.first_responded_at is None
            and self.status in AWAITING_AGENT
            and now >= self.first_response_due_at
        )

    def marked_breached(self, now: datetime) -> SupportTicket:
        return replace(self, breached_at=now) if self.is_breached_at(now) else self


@dataclass(frozen=True)
class TicketMessage:
    """One entry of a ticket's thread. Internal notes are for agents only."""

    id: str
    ticket_id: str
    author_id: str | None  # None: an anonymous requester
    from_agent: bool
    body: str
    internal: bool
    created_at: datetime
