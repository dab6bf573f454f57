"""Support desk bodies and answers (API.md "Support desk")."""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import EmailStr, Field, StringConstraints

from application.support.requester import TicketThread
from domain.support.ticket import Severity, SupportTicket, TicketStatus, TicketType
from entrypoints.http.schemas.base import ApiInput, ApiOutput, PageQuery, UtcTime, shown

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


def _triage(t: SupportTicket) -> str | None:
    return t.triage_source.value if t.triage_source else None


def ticket_out(t: SupportTicket) -> SupportTicketOut:
    return shown(SupportTicketOut, t, triage_source=_triage(t))


def desk_ticket_out(t: SupportTicket) -> DeskTicketOut:
    return shown(DeskTicketOut, t, triage_source=_triage(t))


Thread = TypeVar("Thread", ThreadOut, DeskThreadOut)


def _thread(model: type[Thread], message: type[ThreadMessageOut], thread: TicketThread) -> Thread:
    """The ticket with its messages; ``message`` says which of a message's fields are shown."""
    t = thread.ticket
    messages = [shown(message, m, message=m.body) for m in thread.messages]
    return shown(model, t, triage_source=_triage(t), messages=messages)


def thread_out(thread: TicketThread) -> ThreadOut:
    return _thread(ThreadOut, ThreadMessageOut, thread)


def desk_thread_out(thread: TicketThread) -> DeskThreadOut:
    return _thread(DeskThreadOut, DeskMessageOut, thread)
