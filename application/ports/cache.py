"""A cache is an optimisation: every use case must be correct when it misses or is down."""

from __future__ import annotations

from typing import Protocol


class Cache(Protocol):
    """Byte-string key/value cache with TTLs. Implementations swallow their own outages."""

    async def get(self, key: str) -> bytes | None: ...

    async def get_many(self, *keys: str) -> list[bytes | None]:
        """The values of ``keys`` in order (None for a miss), read at one instant (one round
        trip); all None when the cache is down."""
        ...

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...

    async def add(self, key: str, value: bytes, ttl_seconds: int) -> bool:
        """Set ``key`` only if it holds nothing; True if this call stored it (False when the
        cache is down)."""
        ...

    async def delete(self, *keys: str) -> None: ...
