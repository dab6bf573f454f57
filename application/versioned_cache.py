"""Read-through cache entries that a fill started before an invalidation cannot bring back.

The race (issue 7, item 5): a request reads a row, the write that changes it commits and deletes
the cache key, then the request stores what it read — the value from before the write, served
for the whole TTL (a deleted account kept working for five minutes). Deleting the key cannot
prevent that, because the stale fill comes after the delete.

So each key has a *generation*: a random token stored beside it. A reader reads the entry and the
generation together, before touching the database, and stamps its fill with that generation; an
invalidation (after its commit) replaces the generation; an entry counts only while its stamp is
the current generation. A fill that read the generation before the invalidation writes an entry
that is dead on arrival; a fill that read it after also read the database after the commit.
Tokens are random, not counters, so a generation lost to eviction, expiry or a Redis restart
can only invalidate entries, never revive an old one. With the cache down nothing is filled.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from application.ports.cache import Cache

# Only an efficiency matter (a lost generation invalidates, never revives): long enough that
# live entries keep theirs.
GENERATION_TTL_SECONDS = 86_400
_SEPARATOR = b"|"


_GENERATION_PREFIX = "gen:"


def generation_key(key: str) -> str:
    return _GENERATION_PREFIX + key


def entry_key_of(key: str) -> str | None:
    """The entry whose generation ``key`` is (None: ``key`` is not a generation key)."""
    return key[len(_GENERATION_PREFIX) :] if key.startswith(_GENERATION_PREFIX) else None


def _new_token() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True)
class CachedRead:
    """What ``VersionedCache.read`` saw: the live value (None: a miss) and the generation to
    stamp a fill with (None: the cache is unavailable, do not fill)."""

    value: bytes | None
    generation: str | None


@dataclass(frozen=True, eq=False)
class VersionedCache:
    """Generation-checked entries over any ``Cache`` (see the module docstring)."""

    cache: Cache
    new_token: Callable[[], str] = _new_token

    async def read(self, key: str) -> CachedRead:
        """Call before reading the database; pass the result to ``fill`` after."""
        entry, current = await self.cache.get_many(key, generation_key(key))
        if current is not None:
            return CachedRead(live_value(entry, current), current.decode())
        # No generation (never set, expired or evicted): start one. Any entry found was stamped
        # with a token that is gone, so it cannot be live.
        token = self.new_token()
        if await self.cache.add(generation_key(key), token.encode(), GENERATION_TTL_SECONDS):
            return CachedRead(None, token)
        raced = await self.cache.get(generation_key(key))  # another reader or an invalidation
        return CachedRead(None, raced.decode() if raced is not None else None)

    async def fill(self, key: str, read: CachedRead, value: bytes, ttl_seconds: int) -> None:
        """Store ``value``, loaded after ``read``; dead at once if ``key`` was invalidated since."""
        if read.generation is not None:
            stamped = read.generation.encode() + _SEPARATOR + value
            await self.cache.set(key, stamped, ttl_seconds)

    async def invalidate(self, *keys: str) -> None:
        """After the write's commit: every entry filled from an earlier read is dead from now."""
        for key in keys:
            await self.cache.set(
                generation_key(key), self.new_token().encode(), GENERATION_TTL_SECONDS
            )
        await self.cache.delete(*keys)  # not needed for correctness; frees the memory


def live_value(entry: bytes | None, generation: bytes) -> bytes | None:
    """The value of ``entry`` if it is stamped with ``generation``, else None (dead or absent)."""
    if entry is None:
        return None
    stamp, separator, value = entry.partition(_SEPARATOR)
    return value if separator and stamp == generation else None
