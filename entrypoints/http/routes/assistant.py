"""AI assistant routes (API.md "AI assistant"): the SSE stream, chat, conversations, stop, quota."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class AssistantUseCases:
    """What these handlers run (built by the context's container)."""

    enabled: bool  # False: production without GEMINI_API_KEY (503 AI_DISABLED)
    policy: AssistantPolicy
    start_turn: Callable[[], StartTurn]
    list_conversations: Callable[[], ListConversations]
    get_conversation: Callable[[], GetConversation]
    rename_conversation: Callable[[], RenameConversation]
    delete_conversation: Callable[[], DeleteConversation]
    stop_generation: Callable[[], StopGeneration]
    get_quota: Callable[[], GetQuota]


routes = ApiRoutes(tag="assistant", uses=AssistantUseCases)
MESSAGE_LIMIT = "30/minute"  # bursts; the daily quota is the real bound


def _enabled(uc: AssistantUseCases) -> None:
    if not uc.enabled:
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


async def _start(call: Call[MessageIn, NoQuery], uc: AssistantUseCases) -> Turn:
    _enabled(uc)
    body = call.body
    return await uc.start_turn()(
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
    body=MessageIn,
    rate_limit=MESSAGE_LIMIT,
    summary="Send a message; the reply streams as Server-Sent Events",
    responses={200: "text/event-stream of data: {json} frames"},
)
async def stream(call: Call[MessageIn, NoQuery], uc: AssistantUseCases) -> web.StreamResponse:
    turn = await _start(call, uc)
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
    "/api/v1/ai/chat",
    body=MessageIn,
    response=ChatOut,
    rate_limit=MESSAGE_LIMIT,
    summary="Send a message; the whole reply at once",
)
async def chat(call: Call[MessageIn, NoQuery], uc: AssistantUseCases) -> ChatOut:
    turn = await _start(call, uc)
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
    "/api/v1/ai/conversations", ConversationOut, summary="My conversations, most recent first"
)
async def list_conversations(call: Call[NoBody, PageQuery], uc: AssistantUseCases) -> Reply:
    _enabled(uc)
    q = call.query
    page = await uc.list_conversations()(call.user, q.paging)
    items = [_conversation_out(c) for c in page.items]
    return Reply(items, meta={"limit": q.limit, "nextCursor": page.next_cursor})


@routes.get(
    "/api/v1/ai/conversations/{id}",
    response=ConversationDetailOut,
    summary="One of my conversations with its messages, oldest first",
)
async def get_conversation(
    call: Call[NoBody, NoQuery], uc: AssistantUseCases
) -> ConversationDetailOut:
    _enabled(uc)
    thread = await uc.get_conversation()(call.user, call.path["id"])
    base = _conversation_out(thread.conversation)
    return ConversationDetailOut(
        **base.model_dump(), messages=[_message_out(m) for m in thread.messages]
    )


@routes.patch(
    "/api/v1/ai/conversations/{id}",
    body=RenameIn,
    response=ConversationOut,
    summary="Rename one of my conversations",
)
async def rename(call: Call[RenameIn, NoQuery], uc: AssistantUseCases) -> ConversationOut:
    _enabled(uc)
    renamed = await uc.rename_conversation()(call.user, call.path["id"], call.body.title)
    return _conversation_out(renamed)


@routes.delete(
    "/api/v1/ai/session/{id}",
    response=DeletedOut,
    summary="Delete a conversation (the original's route)",
    name="assistant_delete_session",
)
@routes.delete(
    "/api/v1/ai/conversations/{id}", response=DeletedOut, summary="Delete one of my conversations"
)
async def delete(call: Call[NoBody, NoQuery], uc: AssistantUseCases) -> DeletedOut:
    _enabled(uc)
    await uc.delete_conversation()(call.user, call.path["id"])
    return DeletedOut(deleted=True)


@routes.post(
    "/api/v1/ai/conversations/{id}/stop",
    response=StoppedOut,
    summary="Stop the reply being generated; the partial reply is kept as aborted",
)
async def stop(call: Call[NoBody, NoQuery], uc: AssistantUseCases) -> StoppedOut:
    _enabled(uc)
    return StoppedOut(stopped=await uc.stop_generation()(call.user, call.path["id"]))


def _quota_headers(q: QuotaStatus) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(q.limit),
        "X-RateLimit-Remaining": str(q.remaining),
        "X-RateLimit-Reset": str(int(q.reset.timestamp())),
    }


@routes.get("/api/v1/ai/quota", response=QuotaOut, summary="My daily free AI messages")
async def quota(call: Call[NoBody, NoQuery], uc: AssistantUseCases) -> Reply:
    _enabled(uc)
    q = await uc.get_quota()(call.user)
    out = shown(QuotaOut, q, credits_per_message_max=uc.policy.max_credits_per_message)
    return Reply(out, headers=_quota_headers(q))
