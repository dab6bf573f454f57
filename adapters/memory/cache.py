"""Process-local cache with TTLs and a size bound (the embedded default and unit tests).

In the embedded default the API loop and the in-process job loop (another thread) share one
instance, so a job's invalidation reaches the API; a lock keeps the two threads' updates whole.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

DEFAULT_MAX_ENTRIES = 100_000


class InMemoryCache:
    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES):
        self._data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    async def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._live(key)

    async def get_many(self, *keys: str) -> list[bytes | None]:
        with self._lock:
            return [self._live(key) for key in keys]

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        with self._lock:
            self._store(key, value, ttl_seconds)

    async def add(self, key: str, value: bytes, ttl_seconds: int) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._store(key, value, ttl_seconds)
            return True

    async def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)

    async def ping(self) -> bool:
        return True

    def _live(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires, value = item
        if expires < time.monotonic():
            self._data.pop(key, None)
            return None
        return value

    def _store(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._data[key] = (time.monotonic() + ttl_seconds, value)
        self._data.move_to_end(key)
        while len(self._data) > self._max:
            self._data.popitem(last=False)
