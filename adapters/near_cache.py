"""Generation-checked cache entries served from this process's memory, invalidated by broadcast.

Every authenticated request reads the principal (and most routes another entry) through
``VersionedCache``: one Redis round trip each, the largest share of a request's CPU. ``NearCache``
wraps the shared ``Cache`` and keeps the *live* (entry, generation) pairs that
``VersionedCache.read`` fetched, for at most ``ttl_seconds``, so a repeated read costs no round
trip. Only those pairs are kept: plain keys, misses and dead entries always go to the shared cache.

Staying right (ADR 0060):

- An invalidation (``VersionedCache.invalidate`` replaces the generation, then deletes the entry)
  drops the entry here at once and is broadcast on an ``InvalidationChannel``; every other process
  drops its copy when the message arrives. The staleness a process can see is the broadcast's
  delivery time (milliseconds), not a TTL.
- The deletion race (a fill that read the database before the invalidation) stays fixed: entries
  are still generation-checked in the shared cache, and a pair is kept here only if it was live
  there *and* no invalidation arrived while it was being read (``_epoch``): a pair read before an
  invalidation whose message came in meanwhile is not kept.
- Messages can be lost while the subscription is down: entries are served from memory only while
  the channel reports a live subscription (``resume``), which first forgets everything; losing
  the subscription (``suspend``) turns the layer off. If a broadcast is lost while the
  subscription looks live, an entry outlives its invalidation by at most ``ttl_seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Protocol

from application.ports.cache import Cache
from application.versioned_cache import entry_key_of, generation_key, live_value

DEFAULT_TTL_SECONDS = 5.0
MAX_ENTRIES = 20_000


class InvalidationChannel(Protocol):
    """Carries invalidated keys to every process's ``NearCache`` (Redis pub/sub in production)."""

    async def publish(self, keys: Collection[str]) -> None:
        """Tell the other processes to forget ``keys``; never raises (an outage is logged)."""
        ...


class NearCache:
    """A ``Cache`` whose generation-checked pairs are also kept in this process (see above)."""

    def __init__(
        self,
        shared: Cache,
        channel: InvalidationChannel,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._shared = shared
        self._channel = channel
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._pairs: dict[str, tuple[float, bytes, bytes]] = {}  # key -> (until, entry, gen)
        self._epoch = 0  # +1 on every invalidation heard: a read in flight then is not kept
        self._serving = False  # only while the channel's subscription is live

    @property
    def serving(self) -> bool:
        """Whether entries are served from memory (the subscription is live)."""
        return self._serving

    # --- what the channel's subscriber calls

    def resume(self) -> None:
        """The subscription is live (again): forget what may have been missed, then serve."""
        self._forget_all()
        self._serving = self._ttl > 0

    def suspend(self) -> None:
        """The subscription is lost: broadcasts may be missed, so serve nothing from memory."""
        self._serving = False
        self._forget_all()

    def forget(self, keys: Collection[str]) -> None:
        self._epoch += 1
        for key in keys:
            self._pairs.pop(key, None)

    def _forget_all(self) -> None:
        self._epoch += 1
        self._pairs.clear()

    # --- Cache

    async def get(self, key: str) -> bytes | None:
        return await self._shared.get(key)

    async def get_many(self, *keys: str) -> list[bytes | None]:
        if len(keys) != 2 or keys[1] != generation_key(keys[0]):
            return await self._shared.get_many(*keys)
        key = keys[0]
        if self._serving:
            pair = self._pairs.get(key)
            if pair is not None and pair[0] > self._clock():
                return [pair[1], pair[2]]
        epoch = self._epoch
        entry, generation = await self._shared.get_many(*keys)
        if (
            self._serving
            and epoch == self._epoch
            and entry is not None
            and generation is not None
            and live_value(entry, generation) is not None
        ):
            self._keep(key, entry, generation)
        return [entry, generation]

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        await self._shared.set(key, value, ttl_seconds)
        entry = entry_key_of(key)
        if entry is None:
            self._pairs.pop(key, None)  # a fill: read it back from the shared cache
        else:  # a new generation: every copy of its entry is dead, here and elsewhere
            await self._invalidate((entry,))

    async def add(self, key: str, value: bytes, ttl_seconds: int) -> bool:
        return await self._shared.add(key, value, ttl_seconds)

    async def delete(self, *keys: str) -> None:
        await self._shared.delete(*keys)
        await self._invalidate(keys)

    async def _invalidate(self, keys: Collection[str]) -> None:
        self.forget(keys)  # this process reads its own writes at once
        await self._channel.publish(keys)

    def _keep(self, key: str, entry: bytes, generation: bytes) -> None:
        now = self._clock()
        if len(self._pairs) >= self._max_entries:
            self._pairs = {k: v for k, v in self._pairs.items() if v[0] > now}
            if len(self._pairs) >= self._max_entries:
                self._pairs.clear()
        self._pairs[key] = (now + self._ttl, entry, generation)
