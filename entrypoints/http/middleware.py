"""Cross-cutting HTTP behaviour: request id, errors as envelopes, access log, metrics,
security headers, CORS and maintenance mode."""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from aiohttp import web
from pydantic import ValidationError

from adapters.sqlalchemy.replicas import RecentWriters
from domain.errors import DomainError
from entrypoints.http import envelope
from entrypoints.http.client_address import TrustedProxies
from entrypoints.http.errors import ApiError
from entrypoints.http.request_state import CLIENT_IP, REQUEST_ID, USER_ID
from entrypoints.http.routing import validation_details
from entrypoints.observability import HTTP_DURATION, HTTP_TOTAL, RouteMetrics

log = structlog.get_logger("http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: https: blob:; script-src 'self' "
        "'unsafe-inline'; style-src 'self' 'unsafe-inline'; font-src 'self' data:"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-XSS-Protection": "1; mode=block",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
MAINTENANCE_EXEMPT = ("/healthz", "/metrics", "/webhooks/", "/api/v1/payments/webhook")


def new_request_id() -> str:
    """A random UUID (version 4) in hex, as ``uuid.uuid4().hex`` writes it, without building a
    ``UUID`` object per request."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()


def _route_label(request: web.Request) -> str:
    info = request.match_info
    if info.http_exception is not None or info.route.resource is None:
        return "unmatched"
    return info.route.resource.canonical


# Path parameters that are bearer credentials (invitation codes): such requests are logged by
# their route template, never by their path (ADR 0040).
SECRET_PATH_PARAMS = frozenset({"code"})


def _loggable_path(request: web.Request, route: str) -> str:
    return route if SECRET_PATH_PARAMS & request.match_info.keys() else request.path


def _error_response(request: web.Request, exc: BaseException) -> web.Response:
    rid = request[REQUEST_ID]
    if isinstance(exc, ApiError | DomainError):  # a DomainError's class declares its status
        headers = exc.headers if isinstance(exc, ApiError) else exc.headers() or None
        return envelope.failure(
            exc.code,
            exc.message,
            status=exc.status,
            request_id=rid,
            details=exc.details,
            headers=headers,
        )
    if isinstance(exc, web.HTTPException):
        code, message = {
            404: ("NOT_FOUND", "No such route"),
            405: ("METHOD_NOT_ALLOWED", "Method not allowed on this route"),
            413: ("PAYLOAD_TOO_LARGE", "Request body is too large"),
        }.get(exc.status, ("VALIDATION_ERROR", exc.reason))
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return envelope.failure(code, message, status=exc.status, request_id=rid, headers=headers)
    if isinstance(exc, ValidationError):  # a response model refused our own data: a bug
        # by field and reason only: str(exc) quotes the refused value, which is user data
        log.error("http.response_invalid", errors=validation_details(exc))
    else:
        log.exception("http.unhandled", exc_info=exc)
    return envelope.failure(
        "INTERNAL_ERROR", "Something went wrong on our side", status=500, request_id=rid
    )


@dataclass(frozen=True)
class AccessLog:
    """Which requests get an access-log line: every error (status >= 400) and every slow one,
    and ``sample_rate`` of the others (``ACCESS_LOG_SAMPLE_RATE``; metrics count them all)."""

    sample_rate: float = 1.0
    slow_seconds: float = 0.5
    draw: Callable[[], float] = random.random

    def wanted(self, status: int, elapsed: float) -> bool:
        if status >= 400 or elapsed >= self.slow_seconds or self.sample_rate >= 1.0:
            return True
        return self.sample_rate > 0.0 and self.draw() < self.sample_rate


def observe(
    proxies: TrustedProxies, access_log: AccessLog | None = None
) -> Callable[..., Awaitable[web.StreamResponse]]:
    logged = access_log or AccessLog()
    metrics = RouteMetrics(HTTP_DURATION, HTTP_TOTAL)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-Id")
        rid = incoming if incoming and _REQUEST_ID.match(incoming) else new_request_id()
        request[REQUEST_ID] = rid
        # Every log line of this request names it (the request's task has its own context).
        structlog.contextvars.bind_contextvars(request_id=rid)
        request[CLIENT_IP] = proxies.client_address(
            request.remote, request.headers.getall("X-Forwarded-For", [])
        )
        try:
            response = await handler(request)
        except (Exception, web.HTTPException) as exc:  # noqa: BLE001 - every error → envelope
            response = _error_response(request, exc)
        if not response.prepared:
            response.headers["X-Request-Id"] = rid
            response.headers.update(SECURITY_HEADERS)
        elapsed = time.perf_counter() - started
        route = _route_label(request)
        metrics.observe(request.method, route, response.status, elapsed)
        if not logged.wanted(response.status, elapsed):
            return response
        log.info(
            "http.request",
            method=request.method,
            path=_loggable_path(request, route),
            route=route,
            status=response.status,
            duration_ms=round(elapsed * 1000, 2),
            request_id=rid,
            user_id=request.get(USER_ID),
            ip=request[CLIENT_IP],
        )
        return response

    return middleware


CORS_HEADERS: web.RequestKey[dict[str, str]] = web.RequestKey("cors_headers", dict)
_EXPOSED = (
    "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, "
    "Idempotent-Replayed"
)


def cors(allowed_origins: list[str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Origins listed by name get their origin echoed with credentials; with ``*`` any other
    origin gets ``Access-Control-Allow-Origin: *`` and no credentials, so a browser never sends
    (or reveals the answer to) a cookie-authenticated request from a page we did not name
    (ADR 0009). The headers are put on the response as it is prepared (``apply_cors``), so a
    stream its handler prepared (SSE: the assistant's reply, realtime events) and an error
    answered by ``observe`` carry them too."""
    named = frozenset(allowed_origins) - {"*"}
    allow_any = "*" in allowed_origins

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        credentialed = origin is not None and origin in named
        permitted = credentialed or (origin is not None and allow_any)
        if permitted and origin is not None:
            headers = {"Access-Control-Expose-Headers": _EXPOSED, "Vary": "Origin"}
            if credentialed:
                headers["Access-Control-Allow-Origin"] = origin
                headers["Access-Control-Allow-Credentials"] = "true"
            else:
                headers["Access-Control-Allow-Origin"] = "*"
            request[CORS_HEADERS] = headers
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            if not permitted:
                raise ApiError("FORBIDDEN", "Origin not allowed")
            response: web.StreamResponse = web.Response(status=204)
            response.headers.update(
                {
                    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
                    "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key, "
                    "X-Request-Id, Last-Event-ID",
                    "Access-Control-Max-Age": "600",
                }
            )
            return response
        return await handler(request)

    return middleware


async def apply_cors(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: the CORS headers ``cors`` decided on, on every response."""
    headers = request.get(CORS_HEADERS)
    if headers:
        response.headers.update(headers)


#: ``Retry-After`` of a request that ran out of time: the cause (a slow or restarting
#: dependency) is usually gone within seconds.
TIMEOUT_RETRY_AFTER_SECONDS = 5


class RequestDeadline:
    """One request's deadline: ``reschedule(None)`` lifts it (a stream has begun answering),
    ``expired()`` says whether it cancelled the request."""

    __slots__ = ("_book", "_expired", "task", "when")

    def __init__(self, book: _Deadlines, task: asyncio.Task[object], when: float) -> None:
        self._book = book
        self._expired = False
        self.task = task
        self.when = when

    def reschedule(self, when: float | None) -> None:
        if when is not None:
            raise ValueError("a request's deadline can only be lifted")
        self._book.discard(self)

    def expired(self) -> bool:
        return self._expired


#: A timer may fire up to a millisecond early (the loop's clock resolution): a deadline that
#: close counts as due, rather than re-arming for the remainder.
_CLOCK_SLACK = 0.001


class _Deadlines:
    """Every live request's deadline, oldest first, under ONE timer at the oldest's due time.

    All requests get the same ``seconds``, so arrival order is deadline order: a request adds
    its deadline at the end and removes it when it ends (dict operations), and the timer, when it
    fires, cancels the overdue requests and re-arms at the oldest one left. ``asyncio.timeout``
    per request (a ``Timeout``, a timer handle scheduled and cancelled, its state machine) cost
    3-6 % of a spend's CPU (issue 13, ADR 0067); this is the same deadline, to the same loop clock.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._live: dict[RequestDeadline, None] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self, task: asyncio.Task[object]) -> RequestDeadline:
        loop = task.get_loop()
        deadline = RequestDeadline(self, task, loop.time() + self.seconds)
        self._live[deadline] = None
        if self._timer is None or self._loop is not loop:
            self._loop = loop
            self._timer = loop.call_at(deadline.when, self._sweep)
        return deadline

    def discard(self, deadline: RequestDeadline) -> None:
        self._live.pop(deadline, None)

    def _sweep(self) -> None:
        self._timer = None
        loop = self._loop
        if loop is None:
            return
        now = loop.time() + _CLOCK_SLACK
        overdue = []
        for deadline in self._live:  # oldest first
            if deadline.when > now:
                self._timer = loop.call_at(deadline.when, self._sweep)
                break
            overdue.append(deadline)
        for deadline in overdue:
            del self._live[deadline]
            deadline._expired = True
            deadline.task.cancel()


REQUEST_DEADLINE: web.RequestKey[RequestDeadline] = web.RequestKey(
    "request_deadline", RequestDeadline
)


async def lift_deadline_for_streams(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: a response prepared inside its handler is a stream (SSE,
    WebSocket, the assistant's reply) — it has begun answering and lives by its own heartbeats
    and limits, so the request deadline no longer applies. Plain responses are prepared after
    the handler returned, outside the deadline."""
    deadline = request.get(REQUEST_DEADLINE)
    if deadline is not None:
        deadline.reschedule(None)


def request_timeout(seconds: float) -> Callable[..., Awaitable[web.StreamResponse]]:
    """No request outlives ``REQUEST_TIMEOUT_SECONDS``: past it the handler is cancelled (its
    unit of work rolls back) and the client gets 503 with ``Retry-After`` (ADR 0091). The
    cancellation is ``asyncio.timeout``'s (counted on the task, told apart from anyone else's),
    the deadlines kept by ``_Deadlines`` (ADR 0067)."""
    deadlines = _Deadlines(seconds)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if seconds <= 0:
            return await handler(request)
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a request is handled in a task")
        cancelling = task.cancelling()
        deadline = deadlines.start(task)
        request[REQUEST_DEADLINE] = deadline
        uncancelled = False
        try:
            return await handler(request)
        except asyncio.CancelledError:
            if deadline.expired():
                uncancelled = True
                if task.uncancel() <= cancelling:  # ours alone: the request ran out of time
                    log.warning("http.request_timeout", path=request.path, seconds=seconds)
                    raise ApiError(
                        "SERVICE_UNAVAILABLE",
                        "The request took too long; retry shortly",
                        headers={"Retry-After": str(TIMEOUT_RETRY_AFTER_SECONDS)},
                    ) from None
            raise
        finally:
            deadlines.discard(deadline)
            del request[REQUEST_DEADLINE]  # a plain response is prepared after this
            if deadline.expired() and not uncancelled:
                task.uncancel()  # cancelled, but the handler finished anyway: balance the count

    return middleware


def maintenance(enabled: bool) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if enabled and not request.path.startswith(MAINTENANCE_EXEMPT):
            raise ApiError(
                "MAINTENANCE",
                "FairArena is under maintenance; try again shortly",
                headers={"Retry-After": "300"},
            )
        return await handler(request)

    return middleware


#: Methods that change nothing: their requests are not writes.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def read_your_writes(
    writers: RecentWriters | None,
) -> list[Callable[..., Awaitable[web.StreamResponse]]]:
    """With read replicas (ADR 0094): a signed-in user's successful write sends their reads to
    the primary for a while. Without replicas, no middleware at all."""
    if writers is None:
        return []

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        user_id = request.get(USER_ID)
        if user_id and request.method not in SAFE_METHODS and response.status < 400:
            await writers.wrote(user_id)
        return response

    return [middleware]
