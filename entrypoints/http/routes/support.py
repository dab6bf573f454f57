"""The support desk (API.md "Support desk"): intake, the requester's thread, the agents' desk."""

from __future__ import annotations

from application.pagination import Page
from application.support.desk import (
    GetDeskTicket,
    ListQueue,
    ReplyAsAgent,
    TicketPatch,
    UpdateTicket,
)
from application.support.intake import OpenTicket
from application.support.ports import QueueFilter
from application.support.requester import GetMyTicket, ListMyTickets, ReplyToMyTicket
from domain.support.ticket import SupportTicket
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery
from entrypoints.http.schemas.base import PageQuery, shown
from entrypoints.http.schemas.support import (
    AgentReplyIn,
    DeskThreadOut,
    DeskTicketOut,
    OpenedOut,
    QueueQuery,
    ReplyIn,
    SupportTicketOut,
    ThreadOut,
    TicketIn,
    TicketPatchIn,
    desk_thread_out,
    desk_ticket_out,
    thread_out,
    ticket_out,
)

routes = ApiRoutes(tag="support")
AGENTS_ONLY = {403: "Not a support agent (SUPPORT_AGENT_IDS) or platform admin (FORBIDDEN)"}


@routes.post(
    "/api/v1/support",
    auth=Auth.OPTIONAL,
    status=201,
    # A flood guard per caller (user, else client address), counting invalid requests too; the
    # exact per-requester limits (3/hour signed in, 1/hour per e-mail and per client address
    # anonymous, counted from stored tickets under a lock) are the use case's.
    rate_limit="20/hour",
    responses={429: "Too many requests from this requester (RATE_LIMITED, Retry-After)"},
    summary="Open a support ticket (signed in, or anonymous with an e-mail)",
)
async def open_ticket(call: Call[TicketIn, NoQuery], open_ticket: OpenTicket) -> OpenedOut:
    body = call.body
    ticket = await open_ticket(
        call.principal,
        subject=body.subject,
        message=body.message,
        email=body.email,
        context=call.context,
    )
    return shown(OpenedOut, ticket)


@routes.page(
    "/api/v1/support", SupportTicketOut, show=ticket_out, summary="My support tickets, newest first"
)
async def list_my_tickets(
    call: Call[NoBody, PageQuery], list_my_tickets: ListMyTickets
) -> Page[SupportTicket]:
    return await list_my_tickets(call.user, call.query.paging)


@routes.get(
    "/api/v1/support/{ticketId}",
    summary="One of my tickets with its thread (internal notes never appear)",
)
async def get_my_ticket(call: Call[NoBody, NoQuery], get_my_ticket: GetMyTicket) -> ThreadOut:
    return thread_out(await get_my_ticket(call.user, call.path["ticketId"]))


@routes.post(
    "/api/v1/support/{ticketId}/replies",
    status=201,
    rate_limit="30/hour",
    responses={409: "The ticket is closed (CONFLICT)"},
    summary="Reply to my ticket (a PENDING or RESOLVED ticket is reopened)",
)
async def reply_to_my_ticket(
    call: Call[ReplyIn, NoQuery], reply_to_my_ticket: ReplyToMyTicket
) -> ThreadOut:
    thread = await reply_to_my_ticket(call.user, call.path["ticketId"], call.body.message)
    return thread_out(thread)


@routes.page(
    "/api/v1/admin/support",
    DeskTicketOut,
    show=desk_ticket_out,
    responses=AGENTS_ONLY,
    summary="The support queue (agents), newest first, filtered by status, severity, assignee",
)
async def list_queue(call: Call[NoBody, QueueQuery], list_queue: ListQueue) -> Page[SupportTicket]:
    q = call.query
    assignee = call.user.user_id if q.assignee == "me" else q.assignee
    flt = QueueFilter(
        status=q.status,
        severity=q.severity,
        assignee_id=None if assignee == "none" else assignee,
        unassigned=assignee == "none",
    )
    return await list_queue(call.user, flt, q.paging)


@routes.get(
    "/api/v1/admin/support/{ticketId}",
    responses=AGENTS_ONLY,
    summary="A ticket with its whole thread, internal notes included (agents)",
)
async def get_desk_ticket(
    call: Call[NoBody, NoQuery], get_desk_ticket: GetDeskTicket
) -> DeskThreadOut:
    return desk_thread_out(await get_desk_ticket(call.user, call.path["ticketId"]))


@routes.patch(
    "/api/v1/admin/support/{ticketId}",
    responses={**AGENTS_ONLY, 409: "Illegal status transition (CONFLICT)"},
    summary="Change a ticket's status, severity, type or assignee (agents)",
)
async def update_ticket(
    call: Call[TicketPatchIn, NoQuery], update_ticket: UpdateTicket
) -> DeskTicketOut:
    body = call.body
    patch = TicketPatch(
        status=body.status,
        severity=body.severity,
        type=body.type,
        assignee_id=body.assignee_id,
        unassign="assignee_id" in body.model_fields_set and body.assignee_id is None,
    )
    ticket = await update_ticket(call.user, call.path["ticketId"], patch, call.context)
    return desk_ticket_out(ticket)


@routes.post(
    "/api/v1/admin/support/{ticketId}/replies",
    status=201,
    responses={**AGENTS_ONLY, 409: "The ticket is closed (CONFLICT)"},
    summary="Reply to the requester (e-mailed) or add an internal note (never leaves the desk)",
)
async def reply_as_agent(
    call: Call[AgentReplyIn, NoQuery], reply_as_agent: ReplyAsAgent
) -> DeskThreadOut:
    body = call.body
    thread = await reply_as_agent(
        call.user,
        call.path["ticketId"],
        body.message,
        internal=body.internal,
        context=call.context,
    )
    return desk_thread_out(thread)
