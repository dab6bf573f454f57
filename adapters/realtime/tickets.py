"""Connection tickets that need no store to be issued or checked: signed, expiring, single use.

A ticket is ``<payload>.<mac>`` (URL-safe base64): the payload names the user, the expiry and a
random nonce; the MAC is HMAC-SHA256 under a key every instance shares (``LINK_SIGNING_KEY``,
with its own context string). Any instance can check one without asking anybody; what needs a
store is *single use*: the nonce is marked used, in Redis when configured (``SET NX``, for the
ticket's lifetime, shared by every instance) and always in this process's memory.

With Redis away the process's memory decides alone: a ticket may then be redeemed once on each
instance within its 60 s (ADR 0075), instead of every connection attempt failing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as redis

log = logging.getLogger(__name__)

_CONTEXT = b"fairarena realtime ticket v1\x00"


class UsedTickets(Protocol):
    async def first_use(self, nonce: str, ttl_seconds: int) -> bool:
        """True the first time ``nonce`` is presented (within its lifetime), then False."""
        ...


class InProcessUsedTickets:
    """The nonces redeemed in this process, forgotten once their tickets have expired."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._used: dict[str, float] = {}
        self._lock = threading.Lock()

    async def first_use(self, nonce: str, ttl_seconds: int) -> bool:
        return self.mark(nonce, ttl_seconds)

    def mark(self, nonce: str, ttl_seconds: int) -> bool:
        now = self._clock()
        with self._lock:
            if len(self._used) > 1024:
                self._used = {n: until for n, until in self._used.items() if until > now}
            until = self._used.get(nonce)
            if until is not None and until > now:
                return False
            self._used[nonce] = now + ttl_seconds
            return True


class RedisUsedTickets:
    """Shared by every instance through Redis; this process's memory when Redis is away."""

    def __init__(
        self, client: redis.Redis, prefix: str, local: InProcessUsedTickets | None = None
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._local = local or InProcessUsedTickets()

    async def first_use(self, nonce: str, ttl_seconds: int) -> bool:
        if not self._local.mark(nonce, ttl_seconds):
            return False
        key = f"{self._prefix}:ticket-used:{nonce}"
        try:
            return bool(await self._redis.set(key, 1, nx=True, ex=ttl_seconds))
        except (redis.RedisError, OSError) as exc:
            log.warning("realtime ticket single use checked in this process only: %r", exc)
            return True


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SignedTicketStore:
    """``TicketStore``: issuing signs (no I/O); redeeming verifies, then marks the nonce used."""

    def __init__(
        self,
        key: bytes,
        used: UsedTickets,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = hashlib.sha256(_CONTEXT + key).digest()
        self._used = used
        self._clock = clock

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()

    async def issue(self, user_id: str, ttl_seconds: int) -> str:
        expires = int(self._clock()) + ttl_seconds
        payload = f"{user_id}|{expires}|{secrets.token_urlsafe(16)}".encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    async def redeem(self, ticket: str) -> str | None:
        encoded, _, mac = ticket.partition(".")
        try:
            payload, signature = _unb64(encoded), _unb64(mac)
        except (binascii.Error, ValueError):
            return None
        if not hmac.compare_digest(signature, self._mac(payload)):
            return None
        user_id, _, rest = payload.decode().partition("|")
        expires_text, _, nonce = rest.partition("|")
        left = int(expires_text) - self._clock()
        if left <= 0 or not nonce:
            return None
        if not await self._used.first_use(nonce, int(left) + 1):
            return None
        return user_id
