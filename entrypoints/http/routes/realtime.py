"""Realtime push: SSE at /notifications/stream, WebSocket at /notifications/ws, tickets.

Each connection has one writer task draining its ``EventStream``; the handler waits for the first
of: the writer ending (client gone, authorization lost), the stream dropping a slow consumer, or
the process shutting down (WebSockets close with 1012, SSE responses end cleanly). Every
heartbeat, the connection's credentials are checked again: a token that expired or a user who was
deleted is cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from application.realtime.stream import EventStream, Ready, Resync, SlowConsumer
from domain.errors import AuthenticationFailed, DomainError
from domain.realtime.events import EventId, RealtimeEvent
from entrypoints.http.guards import bearer_token
from entrypoints.http.request_state import CONTAINER, USER_ID
from entrypoints.http.routing import ApiRoutes, Auth, Call
from entrypoints.http.schemas.base import ApiOutput

routes = ApiRoutes(tag="realtime")

SSE_RETRY_MS = 3000
WS_AUTH_SECONDS = 10
WS_CLOSE_RESTART = 1012  # service restart: reconnect
WS_CLOSE_UNAUTHORIZED = 4401
WS_CLOSE_TOO_MANY = 4429
WS_CLOSE_SLOW = 4408  # fell too far behind: reconnect and resume by id

Check = Callable[[], Awaitable[bool]]


class TicketOut(ApiOutput):
    ticket: str
    expires_in: int


class _Shutdown:
    """Set when the app shuts down; every open connection is closed by its handler."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()


SHUTDOWN: web.AppKey[_Shutdown] = web.AppKey("realtime_shutdown", _Shutdown)


def install(app: web.Application) -> None:
    """Called by ``create_app``: graceful shutdown of realtime connections."""
    app[SHUTDOWN] = _Shutdown()

    async def shut_down(app: web.Application) -> None:
        state = app[SHUTDOWN]
        state.event.set()
        for ws in list(state.sockets):
            await ws.close(code=WS_CLOSE_RESTART, message=b"server restarting")

    app.on_shutdown.append(shut_down)


@routes.post(
    "/api/v1/realtime/ticket",
    response=TicketOut,
    status=201,
    auth=Auth.REQUIRED,
    rate_limit="30/minute",
    summary="A single-use 60-second ticket for EventSource/WebSocket clients",
)
async def issue_ticket(call: Call[Any, Any]) -> TicketOut:
    ticket = await call.container.use_cases.issue_realtime_ticket()(call.user)
    return TicketOut(ticket=ticket.value, expires_in=ticket.expires_in)


async def _token_check(request: web.Request, token: str) -> tuple[str, Check]:
    container = request.app[CONTAINER]
    verifier = container.adapters.token_verifier()
    resolve = container.use_cases.resolve_principal()
    principal = await resolve(await verifier.verify(token))

    async def still_valid() -> bool:
        try:
            await resolve(await verifier.verify(token))
        except DomainError:
            return False
        return True

    return principal.user_id, still_valid


async def _ticket_check(request: web.Request, ticket: str) -> tuple[str, Check]:
    container = request.app[CONTAINER]
    user_id = await container.use_cases.redeem_realtime_ticket()(ticket)
    if user_id is None:
        raise AuthenticationFailed("The ticket is unknown, used or expired")
    active = container.use_cases.realtime_user_still_active()
    if not await active(user_id):
        raise AuthenticationFailed("This account has been deleted")

    async def still_valid() -> bool:
        return bool(await active(user_id))

    return user_id, still_valid


async def _http_auth(request: web.Request) -> tuple[str, Check]:
    ticket = request.query.get("ticket")
    if ticket:
        return await _ticket_check(request, ticket)
    token = bearer_token(request)
    if token is None:
        raise AuthenticationFailed("Authentication required")
    return await _token_check(request, token)


def _resume_point(text: str | None) -> EventId | None:
    return EventId.parse(text) if text else None


async def _pump(
    stream: EventStream,
    send: Callable[[object], Awaitable[None]],
    ping: Callable[[], Awaitable[None]],
    check: Check,
    heartbeat: float,
) -> str:
    """The connection's one writer: frames as they come, a ping and a re-check each heartbeat."""
    checked = time.monotonic()
    while True:
        frame = await stream.next(wait=heartbeat)
        if time.monotonic() - checked >= heartbeat:
            if not await check():
                return "unauthorized"
            checked = time.monotonic()
        if frame is None:
            await ping()
        else:
            await send(frame)


async def _serve(
    request: web.Request,
    stream: EventStream,
    send: Callable[[object], Awaitable[None]],
    ping: Callable[[], Awaitable[None]],
    check: Check,
    extra: list[asyncio.Future[Any]] | None = None,
) -> str:
    """Run the writer until something ends the connection; returns why."""
    settings = request.app[CONTAINER].config()
    shutdown = request.app[SHUTDOWN].event
    writer = asyncio.ensure_future(
        _pump(stream, send, ping, check, settings.realtime_heartbeat_seconds)
    )
    dropped = asyncio.ensure_future(stream.dropped.wait())
    stopping = asyncio.ensure_future(shutdown.wait())
    waiters: list[asyncio.Future[Any]] = [writer, dropped, stopping, *(extra or [])]
    try:
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in (writer, dropped, stopping):
            waiter.cancel()
        for waiter in (writer, dropped, stopping):
            with contextlib.suppress(BaseException):
                await waiter
    if stopping in done:
        return "shutdown"
    if dropped in done:
        return "slow"
    if writer in done:
        exc = writer.exception() if not writer.cancelled() else None
        if isinstance(exc, SlowConsumer):
            return "slow"
        if exc is not None:
            return "gone"
        return str(writer.result())
    return "client"


def _sse_frame(frame: object) -> bytes:
    if isinstance(frame, Ready):
        data = {"epoch": frame.epoch, "lastEventId": frame.last_event_id}
        return b"event: ready\ndata: " + orjson.dumps(data) + b"\n\n"
    if isinstance(frame, Resync):
        return b"event: resync\ndata: " + orjson.dumps({"reason": frame.reason.value}) + b"\n\n"
    assert isinstance(frame, RealtimeEvent)
    return (
        f"id: {frame.id}\nevent: {frame.type}\ndata: ".encode()
        + orjson.dumps(dict(frame.data))
        + b"\n\n"
    )


@routes.get(
    "/api/v1/notifications/stream",
    auth=Auth.NONE,  # header, cookie or ?ticket=: checked here, and again every heartbeat
    raw=True,
    summary="Server-sent events: the caller's notifications, balance and payment events",
    responses={401: "Not signed in", 429: "Too many connections"},
    # A never-ending text/event-stream has no JSON response schema to check; the contract is
    # API.md "Realtime" and tests/e2e/realtime.
    include_in_schema=False,
)
async def stream_events(call: Call[Any, Any]) -> web.StreamResponse:
    request = call.request
    user_id, check = await _http_auth(request)
    request[USER_ID] = user_id
    last = _resume_point(request.headers.get("Last-Event-ID") or request.query.get("lastEventId"))
    use_cases = request.app[CONTAINER].use_cases
    with use_cases.realtime_connection_slots().hold(user_id):
        stream = await use_cases.open_realtime_stream()(user_id, last)
        try:
            response = web.StreamResponse(
                headers={
                    "Content-Type": "text/event-stream",
                    "Cache-Control": "no-cache",
                    "X-Accel-Buffering": "no",
                }
            )
            await response.prepare(request)
            await response.write(f"retry: {SSE_RETRY_MS}\n\n".encode())

            async def send(frame: object) -> None:
                await response.write(_sse_frame(frame))

            async def ping() -> None:
                await response.write(b": ping\n\n")

            why = await _serve(request, stream, send, ping, check)
        finally:
            await stream.close()
        if why in ("slow", "unauthorized") and request.transport is not None:
            request.transport.close()  # cut it: the client reconnects and resumes by id
        else:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await response.write_eof()
        return response


def _ws_message(frame: object) -> dict[str, Any]:
    if isinstance(frame, Ready):
        return {"type": "ready", "data": {"epoch": frame.epoch, "lastEventId": frame.last_event_id}}
    if isinstance(frame, Resync):
        return {"type": "resync", "data": {"reason": frame.reason.value}}
    assert isinstance(frame, RealtimeEvent)
    return {"id": str(frame.id), "type": frame.type, "data": dict(frame.data)}


async def _ws_auth(request: web.Request, ws: web.WebSocketResponse) -> tuple[str, Check] | None:
    ticket = request.query.get("ticket")
    try:
        if ticket:
            return await _ticket_check(request, ticket)
        msg = await ws.receive(timeout=WS_AUTH_SECONDS)
        body = orjson.loads(msg.data) if msg.type == WSMsgType.TEXT else {}
        if not isinstance(body, dict) or body.get("type") != "auth" or not body.get("token"):
            raise AuthenticationFailed("Send {'type': 'auth', 'token': ...} first")
        return await _token_check(request, str(body["token"]))
    except (DomainError, TimeoutError, orjson.JSONDecodeError):
        await ws.close(code=WS_CLOSE_UNAUTHORIZED, message=b"unauthorized")
        return None


@routes.get(
    "/api/v1/notifications/ws",
    auth=Auth.NONE,  # ?ticket= or a first {"type":"auth"} message
    raw=True,
    summary="WebSocket: the caller's realtime events; send {type: resume, lastEventId}",
    responses={401: "Not signed in", 429: "Too many connections"},
    include_in_schema=False,  # a protocol upgrade, not a request/response operation
)
async def websocket_events(call: Call[Any, Any]) -> web.StreamResponse:
    request = call.request
    settings = request.app[CONTAINER].config()
    use_cases = request.app[CONTAINER].use_cases
    slots = use_cases.realtime_connection_slots()
    early: tuple[str, Check] | None = None
    if request.query.get("ticket"):  # before the upgrade: a bad ticket is a plain 401, cap a 429
        early = await _ticket_check(request, request.query["ticket"])
        with slots.hold(early[0]):
            pass
    ws = web.WebSocketResponse(heartbeat=settings.realtime_ws_ping_seconds)
    await ws.prepare(request)
    request.app[SHUTDOWN].sockets.add(ws)
    auth = early or await _ws_auth(request, ws)
    if auth is None:
        return ws
    user_id, check = auth
    request[USER_ID] = user_id
    try:
        hold = slots.hold(user_id)
        hold.__enter__()
    except DomainError:
        await ws.close(code=WS_CLOSE_TOO_MANY, message=b"too many connections")
        return ws
    try:
        await _ws_session(request, ws, user_id, check)
    finally:
        hold.__exit__(None, None, None)
    return ws


async def _ws_session(
    request: web.Request, ws: web.WebSocketResponse, user_id: str, check: Check
) -> None:
    open_stream = request.app[CONTAINER].use_cases.open_realtime_stream()
    resume: asyncio.Queue[EventId | None] = asyncio.Queue()

    async def read() -> None:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            with contextlib.suppress(ValueError, DomainError):
                body = orjson.loads(msg.data)
                if isinstance(body, dict) and body.get("type") == "resume":
                    resume.put_nowait(_resume_point(str(body.get("lastEventId") or "")))

    async def send(frame: object) -> None:
        await ws.send_str(orjson.dumps(_ws_message(frame)).decode())

    async def ping() -> None:
        return None  # aiohttp's protocol-level heartbeat pings; a missed pong closes

    reader = asyncio.ensure_future(read())
    try:
        last = _resume_point(request.query.get("lastEventId"))
        while True:
            stream = await open_stream(user_id, last)
            resumed = asyncio.ensure_future(resume.get())
            try:
                why = await _serve(request, stream, send, ping, check, [reader, resumed])
            finally:
                await stream.close()
            if why == "client" and resumed.done() and not reader.done():
                last = resumed.result()
                continue
            resumed.cancel()
            break
        if why == "shutdown":
            await ws.close(code=WS_CLOSE_RESTART, message=b"server restarting")
        elif why == "slow":
            await ws.close(code=WS_CLOSE_SLOW, message=b"too far behind; resume by id")
        elif why == "unauthorized":
            await ws.close(code=WS_CLOSE_UNAUTHORIZED, message=b"unauthorized")
        else:
            await ws.close()
    finally:
        reader.cancel()
        with contextlib.suppress(BaseException):
            await reader
