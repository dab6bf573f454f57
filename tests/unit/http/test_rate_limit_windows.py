"""RateLimits: one storage increment per call; the window's expiry is read at most once per
caller and window, and the headers stay those of ``limits``' fixed window."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest
from limits import parse
from limits.aio.storage import MemoryStorage

from application.identity.principal import Principal
from entrypoints.http.errors import ApiError
from entrypoints.http.guards import ProcessStorage, RateLimits, limiter_storage


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


class CountingProcessStorage(ProcessStorage):
    def __init__(self) -> None:
        super().__init__()
        self.increments = 0

    async def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self.increments += 1
        return await super().incr(key, expiry, amount)


def test_without_redis_the_process_counts_in_its_own_store() -> None:
    assert isinstance(limiter_storage(None), ProcessStorage)


async def test_a_process_store_is_asked_once_per_window_and_counts_exactly() -> None:
    """ADR 0066: no one else counts in the process's own store, so the whole window is taken
    at once; the remaining counts, the reset and the refusal are those of one call per request."""
    storage = CountingProcessStorage()
    limits = RateLimits(storage, "5/minute")
    headers = [await limits(None, ROUTE, caller(7)) for _ in range(5)]  # type: ignore[arg-type]
    assert [h["X-RateLimit-Remaining"] for h in headers] == ["4", "3", "2", "1", "0"]
    assert {h["X-RateLimit-Limit"] for h in headers} == {"5"}
    assert len({h["X-RateLimit-Reset"] for h in headers}) == 1
    for _ in range(3):
        with pytest.raises(ApiError) as refused:
            await limits(None, ROUTE, caller(7))  # type: ignore[arg-type]
        assert refused.value.code == "RATE_LIMITED"
        assert refused.value.headers["X-RateLimit-Remaining"] == "0"
    assert (await limits(None, ROUTE, caller(8)))["X-RateLimit-Remaining"] == "4"
    assert storage.increments == 2  # one per caller and window, not one per request


async def test_a_process_store_admits_exactly_the_limit_under_concurrency() -> None:
    storage = CountingProcessStorage()
    limits = RateLimits(storage, "50/minute")

    async def admitted() -> bool:
        try:
            await limits(None, ROUTE, caller(9))  # type: ignore[arg-type]
        except ApiError:
            return False
        return True

    results = await asyncio.gather(*(admitted() for _ in range(120)))
    assert sum(results) == 50
    assert storage.increments == 1


async def test_a_process_store_opens_a_new_window_when_the_old_one_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])  # the limiter's and the store's clock
    storage = CountingProcessStorage()
    limits = RateLimits(storage, "2/minute")
    first = [await limits(None, ROUTE, caller(10)) for _ in range(2)]  # type: ignore[arg-type]
    assert first[0]["X-RateLimit-Reset"] == "1000060"
    clock[0] += 59.0
    with pytest.raises(ApiError) as refused:
        await limits(None, ROUTE, caller(10))  # type: ignore[arg-type]
    assert refused.value.headers["Retry-After"] == "1"
    clock[0] += 1.0
    again = await limits(None, ROUTE, caller(10))  # type: ignore[arg-type]
    assert again["X-RateLimit-Remaining"] == "1"
    assert again["X-RateLimit-Reset"] == "1000120"
    assert storage.increments == 2


@pytest.mark.parametrize(
    "route",
    [ROUTE, SimpleNamespace(rate_limit="10/hour", method="POST", path="/api/v1/x/{id}")],
)
async def test_keys_are_those_of_limits_so_every_process_counts_in_the_same_place(
    route: SimpleNamespace,
) -> None:
    """Processes of different versions share the Redis counters during a deploy."""
    storage = MemoryStorage()
    limits = RateLimits(storage, "5/minute")
    await limits(None, route, caller(11))  # type: ignore[arg-type]
    item = parse(route.rate_limit or "5/minute")
    scope = "default" if route.rate_limit is None else f"{route.method}:{route.path}"
    assert list(storage.storage) == [item.key_for(scope, "user-11")]
