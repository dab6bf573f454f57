"""Support desk bodies and answers (API.md "Support desk")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import EmailStr, Field, StringConstraints

from application.support.requester import TicketThread
from domain.support.ticket import Severity, SupportTicket, TicketMessage, TicketStatus, TicketType
from entrypoints.http.schemas.base import ApiInput, ApiOutput, PageQuery, UtcTime

TicketId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ReplyText = Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class TicketIn(ApiInput):
    subject: Annotated[str, StringConstraints(min_length=5, max_length=200)]
    message: Annotated[str, StringConstraints(min_length=10, max_length=5000)]
    email: Annotated[EmailStr, Field(max_length=320)] | None = None


class ReplyIn(ApiInput):
    message: ReplyText


class AgentReplyIn(ApiInput):
    message: ReplyText
    internal: bool = False


class TicketPatchIn(ApiInput):
    """Fields left out stay as they are; ``assigneeId: null`` unassigns."""

    status: TicketStatus | None = None
    severity: Severity | None = None
    type: TicketType | None = None
    assignee_id: TicketId | None = None


class QueueQuery(PageQuery):
    status: TicketStatus | None = None
    severity: Severity | None = None
    assignee: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None, description="a user id, `me`, or `none` (unassigned)"
    )


class OpenedOut(ApiOutput):
    id: str
    status: TicketStatus
    created_at: UtcTime


class SupportTicketOut(ApiOutput):
    id: str
    subject: str
    message: str
    status: TicketStatus
    type: TicketType | None
    severity: Severity | None
    short_description: str | None
    triage_source: Literal["ai", "rules"] | None
    created_at: UtcTime
    updated_at: UtcTime
    first_response_due_at: UtcTime
    first_responded_at: UtcTime | None


class DeskTicketOut(SupportTicketOut):
    requester_id: str | None
    requester_email: str
    assignee_id: str | None
    breached_at: UtcTime | None


class ThreadMessageOut(ApiOutput):
    id: str
    author_id: str | None
    from_agent: bool
    message: str
    created_at: UtcTime


class DeskMessageOut(ThreadMessageOut):
    internal: bool


class ThreadOut(SupportTicketOut):
    messages: list[ThreadMessageOut]


class DeskThreadOut(DeskTicketOut):
    messages: list[DeskMessageOut]


def _ticket_fields(t: SupportTicket) -> dict[str, object]:
    return {
        "id": t.id,
        "subject": t.subject,
        "message": t.message,
        "status": t.status,
        "type": t.type,
        "severity": t.severity,
        "short_description": t.short_description,
        "triage_source": t.triage_source.value if t.triage_source else None,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "first_response_due_at": t.first_response_due_at,
        "first_responded_at": t.first_responded_at,
    }


def _desk_fields(t: SupportTicket) -> dict[str, object]:
    return {
        **_ticket_fields(t),
        "requester_id": t.requester_id,
        "requester_email": t.requester_email,
        "assignee_id": t.assignee_id,
        "breached_at": t.breached_at,
    }


def _message_fields(m: TicketMessage) -> dict[str, object]:
    return {
        "id": m.id,
        "author_id": m.author_id,
        "from_agent": m.from_agent,
        "message": m.body,
        "created_at": m.created_at,
    }


def ticket_out(t: SupportTicket) -> SupportTicketOut:
    return SupportTicketOut.model_validate(_ticket_fields(t))


def desk_ticket_out(t: SupportTicket) -> DeskTicketOut:
    return DeskTicketOut.model_validate(_desk_fields(t))


def thread_out(thread: TicketThread) -> ThreadOut:
    messages = [ThreadMessageOut.model_validate(_message_fields(m)) for m in thread.messages]
    return ThreadOut.model_validate({**_ticket_fields(thread.ticket), "messages": messages})


def desk_thread_out(thread: TicketThread) -> DeskThreadOut:
    messages = [
        DeskMessageOut.model_validate({**_message_fields(m), "internal": m.internal})
        for m in thread.messages
    ]
    return DeskThreadOut.model_validate({**_desk_fields(thread.ticket), "messages": messages})
