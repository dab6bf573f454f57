"""Process-local cache with TTLs and a size bound (the embedded default and unit tests)."""

from __future__ import annotations

import time
from collections import OrderedDict

DEFAULT_MAX_ENTRIES = 100_000


class InMemoryCache:
    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES):
        self._data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max = max_entries

    async def get(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires, value = item
        if expires < time.monotonic():
            self._data.pop(key, None)
            return None
        return value

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._data[key] = (time.monotonic() + ttl_seconds, value)
        self._data.move_to_end(key)
        while len(self._data) > self._max:
            self._data.popitem(last=False)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._data.pop(key, None)

    async def ping(self) -> bool:
        return True
