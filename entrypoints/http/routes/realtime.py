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

import orjson
from aiohttp import WSMsgType, web

from application.realtime.connections import Check, ConnectionGate, RecheckUsers
from application.realtime.stream import (
    EventStream,
    Frame,
    OpenStream,
    Ready,
    Resync,
    SlowConsumer,
)
from application.realtime.tickets import IssueTicket
from domain.errors import AuthenticationFailed, DomainError, NotFound, Unavailable
from domain.realtime.events import EventId, RealtimeEvent
from entrypoints.config import Settings
from entrypoints.http.guards import bearer_token
from entrypoints.http.request_state import USER_ID
from entrypoints.http.routing import ApiRoutes, Auth, Call, Handler, NoBody, NoQuery
from entrypoints.http.schemas.base import ApiOutput
from entrypoints.observability import REALTIME_DELIVERY

routes = ApiRoutes(tag="realtime")
dev = ApiRoutes(tag="development")
RawCall = Call[NoBody, NoQuery]

SSE_RETRY_MS = 3000
WS_AUTH_SECONDS = 10
WS_CLOSE_RESTART = 1012  # service restart: reconnect
WS_CLOSE_UNAUTHORIZED = 4401
WS_CLOSE_TOO_MANY = 4429
WS_CLOSE_SLOW = 4408  # fell too far behind: reconnect and resume by id

# What a connection's handler waits on: its writer, a drop, shutdown, the WebSocket's reader/resume.
Waiter = (
    asyncio.Future[str]
    | asyncio.Future[bool]
    | asyncio.Future[None]
    | asyncio.Future[EventId | None]
)


class TicketOut(ApiOutput):
    ticket: str
    expires_in: int


class _Shutdown:
    """Set when the app shuts down; every open connection is closed by its handler."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self.recheck: asyncio.Task[None] | None = None

    def rechecking(self, recheck: RecheckUsers, heartbeat_seconds: float) -> None:
        """Make sure this process re-checks its connected users every heartbeat."""
        if self.recheck is None or self.recheck.done():
            self.recheck = asyncio.get_running_loop().create_task(
                recheck.run(heartbeat_seconds), name="realtime-recheck-users"
            )


SHUTDOWN: web.AppKey[_Shutdown] = web.AppKey("realtime_shutdown", _Shutdown)


def install(app: web.Application) -> None:
    """Called by ``create_app``: graceful shutdown of realtime connections."""
    app[SHUTDOWN] = _Shutdown()

    async def shut_down(app: web.Application) -> None:
        state = app[SHUTDOWN]
        state.event.set()
        if state.recheck is not None:
            state.recheck.cancel()
        for ws in list(state.sockets):
            await ws.close(code=WS_CLOSE_RESTART, message=b"server restarting")

    app.on_shutdown.append(shut_down)


@routes.post(
    "/api/v1/realtime/ticket",
    status=201,
    auth=Auth.REQUIRED,
    rate_limit="30/minute",
    summary="A single-use 60-second ticket for EventSource/WebSocket clients",
)
async def issue_ticket(call: RawCall, issue_ticket: IssueTicket) -> TicketOut:
    ticket = await issue_ticket(call.user)
    return TicketOut(ticket=ticket.value, expires_in=ticket.expires_in)


async def _http_auth(request: web.Request, gate: ConnectionGate) -> tuple[str, Check]:
    ticket = request.query.get("ticket")
    if ticket:
        return await gate.by_ticket(ticket)
    token = bearer_token(request)
    if token is None:
        raise AuthenticationFailed("Authentication required")
    return await gate.by_token(token)


def _resume_point(text: str | None) -> EventId | None:
    return EventId.parse(text) if text else None


async def _pump(
    stream: EventStream,
    send: Callable[[Frame], Awaitable[None]],
    ping: Callable[[], Awaitable[None]],
    check: Check,
    heartbeat: float,
) -> str:
    """The connection's one writer: frames as they come, a ping and a re-check each heartbeat.

    A re-check that cannot be answered (the database or Redis away: ``Unavailable``) keeps the
    connection and is asked again at the next heartbeat: an outage must not cut every client.
    """
    checked = time.monotonic()
    while True:
        frame = await stream.next(wait=heartbeat)
        if time.monotonic() - checked >= heartbeat:
            try:
                valid = await check()
            except Unavailable:
                valid = True
            if not valid:
                return "unauthorized"
            checked = time.monotonic()
        if frame is None:
            await ping()
        else:
            await send(frame)


async def _serve(
    request: web.Request,
    heartbeat: float,
    stream: EventStream,
    send: Callable[[Frame], Awaitable[None]],
    ping: Callable[[], Awaitable[None]],
    check: Check,
    extra: list[Waiter] | None = None,
) -> str:
    """Run the writer until something ends the connection; returns why."""
    shutdown = request.app[SHUTDOWN].event
    writer = asyncio.ensure_future(_pump(stream, send, ping, check, heartbeat))
    dropped: asyncio.Future[bool] = asyncio.ensure_future(stream.dropped.wait())
    stopping: asyncio.Future[bool] = asyncio.ensure_future(shutdown.wait())
    waiters: list[Waiter] = [writer, dropped, stopping, *(extra or [])]
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


def _sse_frame(frame: Frame) -> bytes:
    if isinstance(frame, Ready):
        data = {"epoch": frame.epoch, "lastEventId": frame.last_event_id}
        return b"event: ready\ndata: " + orjson.dumps(data) + b"\n\n"
    if isinstance(frame, Resync):
        return b"event: resync\ndata: " + orjson.dumps({"reason": frame.reason.value}) + b"\n\n"
    return (
        f"id: {frame.id}\nevent: {frame.type}\ndata: ".encode()
        + orjson.dumps(dict(frame.data))
        + b"\n\n"
    )


def _stream_route(path: str, summary: str) -> Callable[[Handler], Handler]:
    """A transport of the caller's event stream: signed in through the ``ConnectionGate`` (not
    the app's auth), answered by the handler itself. Not in the OpenAPI document: a never-ending
    text/event-stream has no JSON response schema to check, a WebSocket is a protocol upgrade
    rather than a request/response operation; the contract is API.md "Realtime" and
    tests/e2e/realtime."""
    return routes.get(
        path,
        auth=Auth.NONE,
        raw=True,
        summary=summary,
        responses={401: "Not signed in", 429: "Too many connections"},
        include_in_schema=False,
    )


# Signed in by a header, cookie or ?ticket=: checked here, and again every heartbeat.
@_stream_route(
    "/api/v1/notifications/stream",
    "Server-sent events: the caller's notifications, balance and payment events",
)
async def stream_events(
    call: RawCall,
    gate: ConnectionGate,
    open_stream: OpenStream,
    settings: Settings,
) -> web.StreamResponse:
    request = call.request
    user_id, check = await _http_auth(request, gate)
    request[USER_ID] = user_id
    last = _resume_point(request.headers.get("Last-Event-ID") or request.query.get("lastEventId"))
    heartbeat = settings.realtime_heartbeat_seconds
    with gate.slots.hold(user_id):
        request.app[SHUTDOWN].rechecking(gate.recheck, heartbeat)
        stream = await open_stream(user_id, last)
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

            async def send(frame: Frame) -> None:
                await response.write(_sse_frame(frame))
                if isinstance(frame, RealtimeEvent):
                    REALTIME_DELIVERY.observe(max(0.0, time.time() - frame.at))

            async def ping() -> None:
                await response.write(b": ping\n\n")

            why = await _serve(request, heartbeat, stream, send, ping, check)
        finally:
            await stream.close()
        if why in ("slow", "unauthorized") and request.transport is not None:
            request.transport.close()  # cut it: the client reconnects and resumes by id
        else:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await response.write_eof()
        return response


def _ws_message(frame: Frame) -> dict[str, object]:
    if isinstance(frame, Ready):
        return {"type": "ready", "data": {"epoch": frame.epoch, "lastEventId": frame.last_event_id}}
    if isinstance(frame, Resync):
        return {"type": "resync", "data": {"reason": frame.reason.value}}
    return {"id": str(frame.id), "type": frame.type, "data": dict(frame.data)}


async def _ws_auth(
    request: web.Request, gate: ConnectionGate, ws: web.WebSocketResponse
) -> tuple[str, Check] | None:
    ticket = request.query.get("ticket")
    try:
        if ticket:
            return await gate.by_ticket(ticket)
        msg = await ws.receive(timeout=WS_AUTH_SECONDS)
        body = orjson.loads(msg.data) if msg.type == WSMsgType.TEXT else {}
        if not isinstance(body, dict) or body.get("type") != "auth" or not body.get("token"):
            raise AuthenticationFailed("Send {'type': 'auth', 'token': ...} first")
        return await gate.by_token(str(body["token"]))
    except (DomainError, TimeoutError, orjson.JSONDecodeError):
        await ws.close(code=WS_CLOSE_UNAUTHORIZED, message=b"unauthorized")
        return None


# Signed in by ?ticket= or a first {"type":"auth"} message.
@_stream_route(
    "/api/v1/notifications/ws",
    "WebSocket: the caller's realtime events; send {type: resume, lastEventId}",
)
async def websocket_events(
    call: RawCall,
    gate: ConnectionGate,
    open_stream: OpenStream,
    settings: Settings,
) -> web.StreamResponse:
    request = call.request
    slots = gate.slots
    early: tuple[str, Check] | None = None
    if request.query.get("ticket"):  # before the upgrade: a bad ticket is a plain 401, cap a 429
        early = await gate.by_ticket(request.query["ticket"])
        with slots.hold(early[0]):
            pass
    ws = web.WebSocketResponse(heartbeat=settings.realtime_ws_ping_seconds)
    await ws.prepare(request)
    request.app[SHUTDOWN].sockets.add(ws)
    auth = early or await _ws_auth(request, gate, ws)
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
        heartbeat = settings.realtime_heartbeat_seconds
        request.app[SHUTDOWN].rechecking(gate.recheck, heartbeat)
        await _ws_session(request, open_stream, heartbeat, ws, user_id, check)
    finally:
        hold.__exit__(None, None, None)
    return ws


async def _ws_session(
    request: web.Request,
    open_stream: OpenStream,
    heartbeat: float,
    ws: web.WebSocketResponse,
    user_id: str,
    check: Check,
) -> None:
    resume: asyncio.Queue[EventId | None] = asyncio.Queue()

    async def read() -> None:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            with contextlib.suppress(ValueError, DomainError):
                body = orjson.loads(msg.data)
                if isinstance(body, dict) and body.get("type") == "resume":
                    resume.put_nowait(_resume_point(str(body.get("lastEventId") or "")))

    async def send(frame: Frame) -> None:
        await ws.send_str(orjson.dumps(_ws_message(frame)).decode())
        if isinstance(frame, RealtimeEvent):
            REALTIME_DELIVERY.observe(max(0.0, time.time() - frame.at))

    async def ping() -> None:
        return None  # aiohttp's protocol-level heartbeat pings; a missed pong closes

    reader = asyncio.ensure_future(read())
    try:
        last = _resume_point(request.query.get("lastEventId"))
        while True:
            stream = await open_stream(user_id, last)
            resumed = asyncio.ensure_future(resume.get())
            try:
                why = await _serve(request, heartbeat, stream, send, ping, check, [reader, resumed])
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


@dev.get("/dev/live", auth=Auth.NONE, raw=True, include_in_schema=False)
async def live_page(call: RawCall, settings: Settings) -> web.Response:
    """Development page: the caller's realtime events as they arrive (SSE with a ticket)."""
    if settings.is_production:  # /dev/live: outside production only
        raise NotFound("Not found")
    return web.Response(text=_LIVE_PAGE, content_type="text/html")


_LIVE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Live events</title>
<style>body{font-family:system-ui;max-width:48rem;margin:2rem auto}input{width:100%}
li{font-family:monospace;margin:.3rem 0;white-space:pre-wrap}</style></head><body>
<h1>Live events</h1><p>Development only. Token from
<code>.venv/bin/fairarena token you@example.com</code>; the page takes a single-use ticket
(<code>POST /api/v1/realtime/ticket</code>) and listens on
<code>/api/v1/notifications/stream</code>, resuming by id after a reconnect.</p>
<input id=token placeholder="dev token"> <button id=connect>Connect</button>
<p>State: <span id=state>disconnected</span></p><ul id=events></ul>
<script>
const TYPES = ['notification.created', 'notification.read', 'notification.deleted',
  'credits.balance_changed', 'payment.status_changed', 'ai.message.completed',
  'support.ticket.updated', 'resync'];
const tokenBox = document.getElementById('token');
tokenBox.value = localStorage.getItem('fairarena.devToken') || '';
tokenBox.onchange = () => localStorage.setItem('fairarena.devToken', tokenBox.value.trim());
const state = (text) => document.getElementById('state').textContent = text;
let source = null, lastId = null, retry = null;
function show(e) {
  if (e.lastEventId) lastId = e.lastEventId;
  const li = document.createElement('li');
  li.dataset.type = e.type;
  li.textContent = (e.lastEventId || '-') + ' ' + e.type + ' ' + e.data;
  document.getElementById('events').prepend(li);
}
async function connect() {
  clearTimeout(retry);
  if (source) source.close();
  state('connecting');
  const r = await fetch('/api/v1/realtime/ticket', {method: 'POST',
    headers: {'Authorization': 'Bearer ' + tokenBox.value.trim()}});
  const body = await r.json();
  if (r.status !== 201) { state('refused (' + r.status + ' ' + body.error.code + ')'); return; }
  let url = '/api/v1/notifications/stream?ticket=' + encodeURIComponent(body.data.ticket);
  if (lastId) url += '&lastEventId=' + encodeURIComponent(lastId);
  source = new EventSource(url);
  source.addEventListener('ready', (e) => {
    state('connected');
    if (!lastId) lastId = JSON.parse(e.data).lastEventId;
  });
  for (const type of TYPES) source.addEventListener(type, show);
  // A ticket is single-use: EventSource's own retry would be refused, so take a new one.
  source.onerror = () => {
    source.close();
    state('reconnecting');
    retry = setTimeout(connect, 3000);
  };
}
document.getElementById('connect').onclick = connect;
</script></body></html>"""
