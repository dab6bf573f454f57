"""RateLimits: one storage increment per call; the window's expiry is read at most once per
caller and window, and the headers stay those of ``limits``' fixed window."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from limits.aio.storage import MemoryStorage

from application.identity.principal import Principal
from entrypoints.http.errors import ApiError
from entrypoints.http.guards import RateLimits


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.expiry_reads = 0

    async def get_expiry(self, key: str) -> float:
        self.expiry_reads += 1
        return await super().get_expiry(key)


def caller(n: int) -> Principal:
    return Principal(f"user-{n}", f"sub-{n}", None, None, False)


ROUTE = SimpleNamespace(rate_limit=None, method="GET", path="/api/v1/profile")


async def test_a_window_opened_here_never_needs_its_expiry_read() -> None:
    storage = CountingStorage()
    limits = RateLimits(storage, "5/minute")
    before = time.time()
    headers = [await limits(None, ROUTE, caller(1)) for _ in range(5)]  # type: ignore[arg-type]
    assert [h["X-RateLimit-Remaining"] for h in headers] == ["4", "3", "2", "1", "0"]
    assert len({h["X-RateLimit-Reset"] for h in headers}) == 1
    assert int(before) + 59 <= int(headers[0]["X-RateLimit-Reset"]) <= int(time.time()) + 60
    assert storage.expiry_reads == 0

    with pytest.raises(ApiError) as refused:
        await limits(None, ROUTE, caller(1))  # type: ignore[arg-type]
    assert refused.value.code == "RATE_LIMITED"
    assert refused.value.headers["X-RateLimit-Reset"] == headers[0]["X-RateLimit-Reset"]
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60


async def test_a_window_opened_by_another_process_is_read_once() -> None:
    storage = CountingStorage()
    elsewhere, here = RateLimits(storage, "5/minute"), RateLimits(storage, "5/minute")
    opened = await elsewhere(None, ROUTE, caller(2))  # type: ignore[arg-type]
    seen = [await here(None, ROUTE, caller(2)) for _ in range(3)]  # type: ignore[arg-type]
    assert storage.expiry_reads == 1
    assert {h["X-RateLimit-Reset"] for h in seen} == {opened["X-RateLimit-Reset"]}
    assert [h["X-RateLimit-Remaining"] for h in seen] == ["3", "2", "1"]


async def test_callers_have_separate_windows() -> None:
    limits = RateLimits(CountingStorage(), "1/minute")
    await limits(None, ROUTE, caller(3))  # type: ignore[arg-type]
    assert (await limits(None, ROUTE, caller(4)))["X-RateLimit-Remaining"] == "0"  # type: ignore[arg-type]
    with pytest.raises(ApiError):
        await limits(None, ROUTE, caller(3))  # type: ignore[arg-type]


async def test_the_memo_of_windows_stays_bounded() -> None:
    limits = RateLimits(CountingStorage(), "5/minute")
    limits.MAX_REMEMBERED_WINDOWS = 10
    for n in range(25):
        await limits(None, ROUTE, caller(100 + n))  # type: ignore[arg-type]
    assert len(limits._leases) <= 10
