"""Authentication and rate limiting, applied by every route according to its declaration."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import structlog
from aiohttp import web
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from adapters.sqlalchemy.replicas import acting_user
from application.identity.principal import Principal
from application.identity.resolve_principal import ResolvePrincipal
from application.ports.identity import TokenVerifier
from domain.errors import AuthenticationFailed
from entrypoints.http.errors import ApiError
from entrypoints.http.request_state import CLIENT_IP, USER_ID
from entrypoints.http.routing import Auth, RouteSpec, refuse_non_json
from entrypoints.observability import RATE_LIMIT_DEGRADED

log = structlog.get_logger(__name__)
SESSION_COOKIE = "__session"


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailed("Use 'Authorization: Bearer <token>'")
        return token.strip()
    return request.cookies.get(SESSION_COOKIE) or None


class Authenticator:
    def __init__(self, verifier: TokenVerifier, resolve: ResolvePrincipal):
        self._verifier = verifier
        self._resolve = resolve

    async def __call__(self, request: web.Request, auth: Auth) -> Principal | None:
        if auth is Auth.NONE:
            return None
        token = bearer_token(request)
        if token is None:
            if auth is Auth.OPTIONAL:
                return None
            raise AuthenticationFailed("Authentication required")
        if "Authorization" not in request.headers:  # the session cookie: see ADR 0009
            refuse_non_json(request, even_without_body=True)
        principal = await self._resolve(await self._verifier.verify(token))
        request[USER_ID] = principal.user_id
        acting_user.set(principal.user_id)  # read-your-writes on replicas (ADR 0094)
        return principal


def limiter_storage(redis_url: str | None) -> Storage:
    if redis_url:
        uri = redis_url.replace("redis://", "async+redis://", 1).replace(
            "rediss://", "async+rediss://", 1
        )
        return RedisStorage(uri, implementation="redispy", key_prefix="fa-rl")
    return MemoryStorage()


#: A call to the shared limiter store (Redis) that takes longer than this counts as an outage.
LIMITER_STORE_TIMEOUT_SECONDS = 0.5
#: After an outage the shared store is tried again this long after (per-process limits between).
LIMITER_RETRY_SECONDS = 5.0


class RateLimits:
    """Fixed windows per caller (user id, else client IP) and route.

    Redis down (ADR 0091): the windows are counted in this process instead (each process then
    allows up to the limit on its own), ``ratelimit_degraded_total`` counts those decisions and
    one warning says so; the shared store is tried again every ``LIMITER_RETRY_SECONDS``. Only
    when the process's own store fails too does a call go through unlimited.

    Uses the ``limits`` storage directly for what ``FixedWindowRateLimiter.hit`` +
    ``get_window_stats`` do, in fewer round trips: the atomic increment returns the window's
    count (the allow/deny decision), and the window's reset time — fixed when the counter is
    created, which both storages do exactly when the increment returns 1 — is remembered in
    this process until it passes, so the expiry is read at most once per caller and window.
    Steady state: one Redis call per request instead of three.
    """

    MAX_REMEMBERED_WINDOWS = 50_000

    def __init__(self, storage: Storage, default: str, fallback: Storage | None = None):
        self._storage = storage
        shared = not isinstance(storage, MemoryStorage)
        self._fallback = fallback or (MemoryStorage() if shared else None)
        self._degraded_until = 0.0  # monotonic time until which the fallback counts
        self._default = parse(default)
        self._parsed: dict[str, RateLimitItem] = {}
        self._resets: dict[str, float] = {}  # limiter key -> its window's reset (epoch seconds)

    def _item(self, spec: RouteSpec) -> tuple[RateLimitItem, str]:
        if spec.rate_limit is None:
            return self._default, "default"
        item = self._parsed.get(spec.rate_limit)
        if item is None:
            item = self._parsed[spec.rate_limit] = parse(spec.rate_limit)
        return item, f"{spec.method}:{spec.path}"

    async def _reset_time(
        self, storage: Storage, key: str, count: int, item: RateLimitItem, now: float
    ) -> float:
        if count == 1:  # this increment created the window, with this expiry
            reset = now + item.get_expiry()
        else:
            reset = self._resets.get(key, 0.0)
            if reset <= now:  # unknown here (another process opened it) or an old window
                reset = await storage.get_expiry(key)
        if len(self._resets) >= self.MAX_REMEMBERED_WINDOWS:
            self._resets = {k: v for k, v in self._resets.items() if v > now}
            if len(self._resets) >= self.MAX_REMEMBERED_WINDOWS:
                self._resets.clear()
        self._resets[key] = reset
        return reset

    async def __call__(
        self, request: web.Request, spec: RouteSpec, principal: Principal | None
    ) -> dict[str, str]:
        item, scope = self._item(spec)
        who = principal.user_id if principal else f"ip:{request[CLIENT_IP]}"
        key = item.key_for(scope, who)
        try:
            count, now, reset_time = await self._count(key, item)
        except Exception as exc:  # noqa: BLE001 - a limiter outage must not take the API down
            log.warning("ratelimit.unavailable", error=str(exc))
            return {}
        headers = {
            "X-RateLimit-Limit": str(item.amount),
            "X-RateLimit-Remaining": str(max(item.amount - count, 0)),
            "X-RateLimit-Reset": str(int(reset_time)),
        }
        if count > item.amount:
            retry = max(1, math.ceil(reset_time - now))
            raise ApiError(
                "RATE_LIMITED",
                "Too many requests; slow down",
                headers={**headers, "Retry-After": str(retry)},
                details={"retryAfter": retry},
            )
        return headers

    async def _count(self, key: str, item: RateLimitItem) -> tuple[int, float, float]:
        """The window's count after this call, now, and the window's reset (epoch seconds)."""
        fallback = self._fallback
        if fallback is None or time.monotonic() >= self._degraded_until:
            try:
                async with asyncio.timeout(LIMITER_STORE_TIMEOUT_SECONDS):
                    counted = await self._count_in(self._storage, key, item)
            except Exception as exc:
                if fallback is None:
                    raise
                self._degrade(exc)
            else:
                if self._degraded_until:
                    self._degraded_until = 0.0
                    log.warning("ratelimit.shared_store_restored")
                return counted
        RATE_LIMIT_DEGRADED.inc()
        return await self._count_in(fallback, key, item)

    async def _count_in(
        self, storage: Storage, key: str, item: RateLimitItem
    ) -> tuple[int, float, float]:
        count = await storage.incr(key, item.get_expiry())
        now = time.time()
        return count, now, await self._reset_time(storage, key, count, item, now)

    def _degrade(self, exc: BaseException) -> None:
        if self._degraded_until == 0.0:  # one warning per outage, not one per request
            log.warning(
                "ratelimit.degraded_to_process",
                error=f"{type(exc).__name__}: {exc}",
                retry_seconds=LIMITER_RETRY_SECONDS,
            )
        self._degraded_until = time.monotonic() + LIMITER_RETRY_SECONDS


def noop_limits() -> Any:
    async def limit(
        request: web.Request, spec: RouteSpec, principal: Principal | None
    ) -> dict[str, str]:
        return {}

    return limit
