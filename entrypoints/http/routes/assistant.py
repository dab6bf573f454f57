"""AI assistant routes (API.md "AI assistant"): the SSE stream, chat, conversations, stop, quota."""

from __future__ import annotations

import contextlib

import orjson
from aiohttp import web

from application.assistant.conversations import (
    DeleteConversation,
    GetConversation,
    GetQuota,
    ListConversations,
    RenameConversation,
    StopGeneration,
)
from application.assistant.events import (
    Chunk,
    Completed,
    Connected,
    ToolStatus,
    TurnEvent,
    TurnFailed,
)
from application.assistant.policy import AssistantPolicy
from application.assistant.turn import StartTurn, Turn, TurnRequest
from application.pagination import Page
from domain.assistant.conversation import Conversation, Message
from domain.assistant.cost import Usage
from domain.assistant.errors import AssistantDisabled, ModelBlocked, ModelUnavailable
from domain.assistant.quota import QuotaStatus
from entrypoints.http.middleware import SECURITY_HEADERS
from entrypoints.http.request_state import request_id_of
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery, Reply
from entrypoints.http.schemas.assistant import (
    ChatOut,
    ConversationDetailOut,
    ConversationOut,
    DeletedOut,
    MessageIn,
    MessageOut,
    QuotaOut,
    RenameIn,
    StoppedOut,
    UsageOut,
)
from entrypoints.http.schemas.base import PageQuery, shown

routes = ApiRoutes(tag="assistant")
MESSAGE_LIMIT = "30/minute"  # bursts; the daily quota is the real bound


def _enabled(policy: AssistantPolicy) -> None:
    if not policy.enabled:
        raise AssistantDisabled()


def _usage(u: Usage) -> UsageOut:
    return shown(UsageOut, u)


def frame(event: TurnEvent) -> dict[str, object]:
    """An event as the original's SSE frame."""
    if isinstance(event, Connected):
        return {
            "type": "connected",
            "conversationId": event.conversation_id,
            "messageId": event.message_id,
        }
    if isinstance(event, Chunk):
        return {"type": "chunk", "content": event.content}
    if isinstance(event, ToolStatus):
        return {"type": "tool", "name": event.name, "status": event.status}
    if isinstance(event, Completed):
        return {
            "type": "complete",
            "usage": _usage(event.usage).model_dump(by_alias=True),
            "creditsCharged": event.credits_charged,
            "status": event.status,
        }
    return {"type": "error", "code": event.code, "message": event.message}


_CHUNK_FRAME = b'data: {"type":"chunk","content":'


def _sse(event: TurnEvent) -> bytes:
    if isinstance(event, Chunk):  # the frame of every streamed piece: no dict per chunk
        return _CHUNK_FRAME + orjson.dumps(event.content) + b"}\n\n"
    return b"data: " + orjson.dumps(frame(event)) + b"\n\n"


async def _start(call: Call[MessageIn, NoQuery], start_turn: StartTurn) -> Turn:
    _enabled(start_turn.policy)
    body = call.body
    return await start_turn(
        TurnRequest(
            principal=call.user,
            message=body.message,
            conversation_id=body.conversation,
            page_context=body.context.model_dump() if body.context else None,
            debug_info=(body.debug_info.model_dump(by_alias=True) if body.debug_info else None),
            use_credits=body.use_credits,
        )
    )


@routes.post(
    "/api/v1/ai/stream",
    rate_limit=MESSAGE_LIMIT,
    summary="Send a message; the reply streams as Server-Sent Events",
    responses={200: "text/event-stream of data: {json} frames"},
)
async def stream(call: Call[MessageIn, NoQuery], start_turn: StartTurn) -> web.StreamResponse:
    turn = await _start(call, start_turn)
    events = await turn.launch()
    response = web.StreamResponse(
        headers={
            **SECURITY_HEADERS,
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "Connection": "keep-alive",
            "X-Accel-Buffering": "no",
            "X-Request-Id": request_id_of(call.request),
        }
    )
    try:
        await response.prepare(call.request)
        async for event in events:
            # What else is already queued goes in the same write (one syscall, not one per
            # chunk, when this writer fell behind the model).
            batch = [event, *events.ready()]
            await response.write(b"".join(_sse(e) for e in batch))
    except (ConnectionResetError, OSError):
        pass  # the client left: closing ``events`` below cancels the generation (aborted)
    finally:
        await events.aclose()
    with contextlib.suppress(ConnectionResetError, OSError):
        await response.write_eof()
    return response


@routes.post(
    "/api/v1/ai/chat", rate_limit=MESSAGE_LIMIT, summary="Send a message; the whole reply at once"
)
async def chat(call: Call[MessageIn, NoQuery], start_turn: StartTurn) -> ChatOut:
    turn = await _start(call, start_turn)
    text, usage, charged, status = "", Usage(), 0, "complete"
    message_id = turn.reply_id
    async for event in await turn.launch():
        if isinstance(event, Chunk):
            text += event.content
        elif isinstance(event, Completed):
            usage, charged, status = event.usage, event.credits_charged, event.status
        elif isinstance(event, TurnFailed):
            if event.code == ModelBlocked.code:
                raise ModelBlocked("SAFETY")
            raise ModelUnavailable(event.message)
    return ChatOut(
        response=text,
        conversation_id=turn.conversation_id,
        message_id=message_id,
        usage=_usage(usage),
        credits_charged=charged,
        status=status,
    )


def _conversation_out(c: Conversation) -> ConversationOut:
    return shown(ConversationOut, c)


def _message_out(m: Message) -> MessageOut:
    return shown(
        MessageOut,
        m,
        role=m.role.value,
        content=m.text,
        parts=[dict(p.data) for p in m.parts],
        status=m.status.value,
        usage=_usage(m.usage) if m.usage else None,
    )


@routes.page(
    "/api/v1/ai/conversations",
    ConversationOut,
    show=_conversation_out,
    summary="My conversations, most recent first",
)
async def list_conversations(
    call: Call[NoBody, PageQuery], policy: AssistantPolicy, listing: ListConversations
) -> Page[Conversation]:
    _enabled(policy)
    return await listing(call.user, call.query.paging)


@routes.get(
    "/api/v1/ai/conversations/{id}",
    summary="One of my conversations with its messages, oldest first",
)
async def get_conversation(
    call: Call[NoBody, NoQuery], policy: AssistantPolicy, read: GetConversation
) -> ConversationDetailOut:
    _enabled(policy)
    thread = await read(call.user, call.path["id"])
    base = _conversation_out(thread.conversation)
    return ConversationDetailOut(
        **base.model_dump(), messages=[_message_out(m) for m in thread.messages]
    )


@routes.patch("/api/v1/ai/conversations/{id}", summary="Rename one of my conversations")
async def rename(
    call: Call[RenameIn, NoQuery], policy: AssistantPolicy, rename_conversation: RenameConversation
) -> ConversationOut:
    _enabled(policy)
    renamed = await rename_conversation(call.user, call.path["id"], call.body.title)
    return _conversation_out(renamed)


@routes.delete(
    "/api/v1/ai/session/{id}",
    summary="Delete a conversation (the original's route)",
    name="assistant_delete_session",
)
@routes.delete("/api/v1/ai/conversations/{id}", summary="Delete one of my conversations")
async def delete(
    call: Call[NoBody, NoQuery], policy: AssistantPolicy, delete_conversation: DeleteConversation
) -> DeletedOut:
    _enabled(policy)
    await delete_conversation(call.user, call.path["id"])
    return DeletedOut(deleted=True)


@routes.post(
    "/api/v1/ai/conversations/{id}/stop",
    summary="Stop the reply being generated; the partial reply is kept as aborted",
)
async def stop(
    call: Call[NoBody, NoQuery], policy: AssistantPolicy, stop_generation: StopGeneration
) -> StoppedOut:
    _enabled(policy)
    return StoppedOut(stopped=await stop_generation(call.user, call.path["id"]))


def _quota_headers(q: QuotaStatus) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(q.limit),
        "X-RateLimit-Remaining": str(q.remaining),
        "X-RateLimit-Reset": str(int(q.reset.timestamp())),
    }


@routes.get("/api/v1/ai/quota", response=QuotaOut, summary="My daily free AI messages")
async def quota(call: Call[NoBody, NoQuery], policy: AssistantPolicy, get_quota: GetQuota) -> Reply:
    _enabled(policy)
    q = await get_quota(call.user)
    out = shown(QuotaOut, q, credits_per_message_max=policy.max_credits_per_message)
    return Reply(out, headers=_quota_headers(q))
