"""Authentication and rate limiting, applied by every route according to its declaration."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
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


class ProcessStorage(MemoryStorage):
    """The windows of a process that has no shared store (no Redis): counted in its memory and
    by no one else, so ``RateLimits`` takes a caller's whole window at once (ADR 0066). One per
    ``RateLimits``: two limiters leasing whole windows from one store would refuse early."""


def limiter_storage(redis_url: str | None) -> Storage:
    if redis_url:
        uri = redis_url.replace("redis://", "async+redis://", 1).replace(
            "rediss://", "async+rediss://", 1
        )
        return RedisStorage(uri, implementation="redispy", key_prefix="fa-rl")
    return ProcessStorage()


#: A call to the shared limiter store (Redis) that takes longer than this counts as an outage.
LIMITER_STORE_TIMEOUT_SECONDS = 0.5
#: After an outage the shared store is tried again this long after (per-process limits between).
LIMITER_RETRY_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class _Rule:
    """A route's limit, parsed once: its item, lease size, limiter scope and the pieces of its
    keys (``item.key_for(scope, who)`` without the joins on every request)."""

    item: RateLimitItem
    lease: int
    scope: str
    limit: str  # X-RateLimit-Limit
    key_prefix: str
    key_suffix: str

    @classmethod
    def of(cls, item: RateLimitItem, lease: int, scope: str) -> _Rule:
        before, marker, after = item.key_for(scope, _WHO).partition(_WHO)
        if not marker:
            raise ValueError(f"cannot split the limiter key of {item}")
        return cls(item, lease, scope, str(item.amount), before, after)

    def key_for(self, who: str) -> str:
        """``item.key_for(scope, who)``: the key every process (and version) counts under."""
        return self.key_prefix + who + self.key_suffix


_WHO = "\x00who\x00"  # a placeholder no caller id contains


@dataclass(slots=True)
class _Lease:
    """What this process knows of a caller's window: its reset (epoch seconds), the window's
    count as of the last slot used here, the slots leased and not yet used, and whether the
    window is full (then callers are refused here without asking the store); ``degraded``:
    taken from this process's fallback store, the shared one being down."""

    reset: float
    count: int
    left: int
    full: bool
    degraded: bool = False
    reset_header: str = ""  # X-RateLimit-Reset, rendered once per lease

    def __post_init__(self) -> None:
        self.reset_header = str(int(self.reset))


class RateLimits:
    """Fixed windows per caller (user id, else client IP) and route, counted in a shared store.

    Leases (ADR 0061): a call that finds no slot left in this process takes ``lease`` slots of
    the window at once (one atomic ``INCRBY`` on the shared counter), the next calls use them
    with no round trip. A window therefore never admits more than its limit across processes;
    a caller whose requests spread over P processes may be refused up to (P - 1) * (lease - 1)
    requests early (slots leased by the others, unused), and ``X-RateLimit-Remaining`` is this
    process's view. ``lease`` = ``lease_fraction`` of the limit, at least 1 (1 = one call to the
    store per request, exact). A full window refuses here until its reset, with no round trip.

    The window's reset time is fixed when the increment creates the counter (which both
    storages do exactly when the increment returns the amount asked for) and is remembered
    here; a window opened by another process has its expiry read once.

    Redis down (ADR 0091): the windows are counted in this process instead (each process then
    allows up to the limit on its own), ``ratelimit_degraded_total`` counts those decisions and
    one warning says so; the shared store is tried again every ``LIMITER_RETRY_SECONDS``. Only
    when the process's own store fails too does a call go through unlimited.

    No shared store at all (``ProcessStorage``, no Redis configured): nobody else counts in it,
    so the lease is the whole window (ADR 0066) — one store call per caller and window, and the
    counts, refusals and headers exactly those of one call per request.
    """

    MAX_REMEMBERED_WINDOWS = 50_000

    def __init__(
        self,
        storage: Storage,
        default: str,
        fallback: Storage | None = None,
        *,
        lease_fraction: float = 0.0,
    ):
        self._storage = storage
        shared = not isinstance(storage, MemoryStorage)
        self._fallback = fallback or (MemoryStorage() if shared else None)
        self._degraded_until = 0.0  # monotonic time until which the fallback counts
        # Nobody else counts in this process's own store: lease whole windows from it.
        self._lease_fraction = 1.0 if isinstance(storage, ProcessStorage) else lease_fraction
        self._default = self._with_lease(parse(default))
        self._parsed: dict[str, tuple[RateLimitItem, int]] = {}
        self._rules: dict[tuple[str | None, str, str], _Rule] = {}
        self._leases: dict[str, _Lease] = {}  # limiter key -> what is known of its window
        self._leasing: dict[str, asyncio.Future[None]] = {}  # limiter key -> lease in flight

    def _with_lease(self, item: RateLimitItem) -> tuple[RateLimitItem, int]:
        return item, max(1, int(item.amount * self._lease_fraction))

    def _rule(self, spec: RouteSpec) -> _Rule:
        """The route's rule, built on its first request (routes are few and fixed)."""
        memo = (spec.rate_limit, spec.method, spec.path)
        rule = self._rules.get(memo)
        if rule is None:
            if spec.rate_limit is None:
                rule = _Rule.of(*self._default, "default")
            else:
                found = self._parsed.get(spec.rate_limit)
                if found is None:
                    found = self._parsed[spec.rate_limit] = self._with_lease(parse(spec.rate_limit))
                rule = _Rule.of(*found, f"{spec.method}:{spec.path}")
            self._rules[memo] = rule
        return rule

    async def __call__(
        self, request: web.Request, spec: RouteSpec, principal: Principal | None
    ) -> dict[str, str]:
        rule = self._rule(spec)
        item = rule.item
        who = principal.user_id if principal else f"ip:{request[CLIENT_IP]}"
        key = rule.key_for(who)
        try:
            count, now, window = await self._count(key, item, rule.lease)
        except Exception as exc:  # noqa: BLE001 - a limiter outage must not take the API down
            log.warning("ratelimit.unavailable", error=str(exc))
            return {}
        headers = {
            "X-RateLimit-Limit": rule.limit,
            "X-RateLimit-Remaining": str(item.amount - count) if count < item.amount else "0",
            "X-RateLimit-Reset": window.reset_header,
        }
        if count > item.amount:
            retry = max(1, math.ceil(window.reset - now))
            raise ApiError(
                "RATE_LIMITED",
                "Too many requests; slow down",
                headers={**headers, "Retry-After": str(retry)},
                details={"retryAfter": retry},
            )
        return headers

    async def _count(self, key: str, item: RateLimitItem, lease: int) -> tuple[int, float, _Lease]:
        """This call's place in the window (> the limit: refused), now, and the window (its
        reset).

        One lease per caller at a time in this process: concurrent calls that find no slot
        wait for the lease in flight and share its slots (each taking its own lease, they would
        each use one slot and strand the rest)."""
        while True:
            now = time.time()
            known = self._leases.get(key)
            if known is not None and known.reset > now and (known.left > 0 or known.full):
                if known.degraded:
                    RATE_LIMIT_DEGRADED.inc()
                if known.left == 0:
                    return item.amount + 1, now, known
                known.left -= 1
                known.count += 1
                return known.count, now, known
            in_flight = self._leasing.get(key) if lease > 1 else None
            if in_flight is None:
                break
            await asyncio.shield(in_flight)
        if lease == 1:  # nothing to share: every call counts in the store
            return await self._take(key, item, lease, known)
        leasing = self._leasing[key] = asyncio.get_running_loop().create_future()
        try:
            return await self._take(key, item, lease, known)
        finally:
            del self._leasing[key]
            leasing.set_result(None)

    async def _take(
        self, key: str, item: RateLimitItem, lease: int, known: _Lease | None
    ) -> tuple[int, float, _Lease]:
        """A new lease for this call, from the shared store (or, during an outage, this
        process's own)."""
        fallback = self._fallback
        if fallback is None or time.monotonic() >= self._degraded_until:
            try:
                async with asyncio.timeout(LIMITER_STORE_TIMEOUT_SECONDS):
                    counted = await self._lease(self._storage, key, item, lease, known)
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
        return await self._lease(fallback, key, item, lease, known, degraded=True)

    async def _lease(
        self,
        storage: Storage,
        key: str,
        item: RateLimitItem,
        size: int,
        known: _Lease | None,
        *,
        degraded: bool = False,
    ) -> tuple[int, float, _Lease]:
        """Take ``size`` slots of the window; this call uses the first."""
        total = await storage.incr(key, item.get_expiry(), amount=size)
        now = time.time()
        first = total - size + 1
        if total == size:  # this increment created the window, with this expiry
            reset = now + item.get_expiry()
        elif known is not None and known.reset > now:
            reset = known.reset
        else:  # unknown here (another process opened it) or an old window
            reset = await storage.get_expiry(key)
        granted = max(0, min(size, item.amount - first + 1))
        full = first + granted - 1 >= item.amount
        lease = _Lease(reset, first, max(granted - 1, 0), full, degraded)
        self._remember(key, lease, now)
        return first, now, lease

    def _remember(self, key: str, lease: _Lease, now: float) -> None:
        if len(self._leases) >= self.MAX_REMEMBERED_WINDOWS:
            self._leases = {k: v for k, v in self._leases.items() if v.reset > now}
            if len(self._leases) >= self.MAX_REMEMBERED_WINDOWS:
                self._leases.clear()
        self._leases[key] = lease

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
