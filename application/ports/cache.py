"""A cache is an optimisation: every use case must be correct when it misses or is down."""

from __future__ import annotations

from typing import Protocol


class Cache(Protocol):
    """Byte-string key/value cache with TTLs. Implementations swallow their own outages."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...

    async def delete(self, *keys: str) -> None: ...
