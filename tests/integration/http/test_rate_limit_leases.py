"""Rate-limit leases (ADR 0061): processes take slots of a caller's window from the shared counter
in batches and spend them with no round trip. Across processes a window never admits more than
its limit, and refuses at most (P - 1) * (lease - 1) requests early. Proved for any interleaving
on the memory store (hypothesis) and with limiters sharing one real Redis."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from application.identity.principal import Principal
from entrypoints.http.errors import ApiError
from entrypoints.http.guards import RateLimits, limiter_storage
from tests.fixtures.databases import REDIS_URL

ROUTE = SimpleNamespace(rate_limit=None, method="GET", path="/api/v1/profile")
LIMIT, FRACTION = 100, 0.1
LEASE = int(LIMIT * FRACTION)


def caller(user_id: str) -> Principal:
    return Principal(user_id, f"sub-{user_id}", None, None, False)


async def admitted(limiter: RateLimits, who: Principal) -> bool:
    try:
        await limiter(None, ROUTE, who)  # type: ignore[arg-type]
    except ApiError as exc:
        assert exc.code == "RATE_LIMITED"
        return False
    return True


class CountingRedis(RedisStorage):
    """The shared store, counting the round trips that take slots."""

    increments = 0

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        CountingRedis.increments += 1
        return await super().incr(key, expiry, amount)


def limiters(storage: Storage, processes: int) -> list[RateLimits]:
    return [
        RateLimits(storage, f"{LIMIT}/minute", lease_fraction=FRACTION) for _ in range(processes)
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=1, max_size=3 * LIMIT))
async def test_any_interleaving_over_three_processes_stays_within_the_stated_tolerance(
    order: list[int],
) -> None:
    processes = limiters(MemoryStorage(), 3)
    who = caller("hypothesis")
    admitted_count = sum([await admitted(processes[i], who) for i in order])
    assert admitted_count <= LIMIT
    assert admitted_count >= min(len(order), LIMIT - (3 - 1) * (LEASE - 1))


@pytest.fixture
def shared_redis() -> Storage:
    uri = REDIS_URL.replace("redis://", "async+redis://", 1)
    return CountingRedis(uri, implementation="redispy", key_prefix=f"test-rl-{uuid.uuid4().hex}")


async def test_two_limiters_sharing_one_redis_hold_the_limit(shared_redis: Storage) -> None:
    first, second = limiters(shared_redis, 2)
    who = caller(uuid.uuid4().hex)
    CountingRedis.increments = 0
    results = [await admitted((first, second)[n % 2], who) for n in range(2 * LIMIT)]
    assert LIMIT - (LEASE - 1) <= sum(results) <= LIMIT
    assert not any(results[LIMIT:])  # once refused, refused for the rest of the window
    # about one round trip per lease while admitting, and none once each process saw it full
    assert CountingRedis.increments <= LIMIT // LEASE + 4


async def test_one_process_admits_exactly_the_limit(shared_redis: Storage) -> None:
    (only,) = limiters(shared_redis, 1)
    who = caller(uuid.uuid4().hex)
    headers = [await only(None, ROUTE, who) for _ in range(LIMIT)]  # type: ignore[arg-type]
    assert [h["X-RateLimit-Remaining"] for h in headers] == [str(LIMIT - n) for n in range(1, 101)]
    assert len({h["X-RateLimit-Reset"] for h in headers}) == 1
    with pytest.raises(ApiError) as refused:
        await only(None, ROUTE, who)  # type: ignore[arg-type]
    assert refused.value.headers["X-RateLimit-Remaining"] == "0"


async def test_without_a_lease_every_request_is_counted_in_redis() -> None:
    storage = limiter_storage(REDIS_URL)
    exact = [RateLimits(storage, "5/minute") for _ in range(2)]
    who = caller(uuid.uuid4().hex)
    results = [await admitted(exact[n % 2], who) for n in range(8)]
    assert results == [True] * 5 + [False] * 3


async def test_small_limits_lease_one_slot_at_a_time() -> None:
    storage = MemoryStorage()
    a, b = (RateLimits(storage, "5/minute", lease_fraction=FRACTION) for _ in range(2))
    who = caller("small")
    assert [await admitted((a, b)[n % 2], who) for n in range(7)] == [True] * 5 + [False] * 2


async def test_concurrent_requests_share_one_lease_and_strand_no_slot(
    shared_redis: Storage,
) -> None:
    (only,) = limiters(shared_redis, 1)
    who = caller(uuid.uuid4().hex)
    CountingRedis.increments = 0
    results = await asyncio.gather(*(admitted(only, who) for _ in range(3 * LIMIT)))
    assert sum(results) == LIMIT  # one process: exactly the limit, however concurrent
    assert CountingRedis.increments <= LIMIT // LEASE + 2


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=LIMIT, max_size=3 * LIMIT), st.integers(1, 32))
async def test_concurrent_bursts_over_two_processes_stay_within_the_tolerance(
    order: list[int], burst: int
) -> None:
    processes = limiters(MemoryStorage(), 2)
    who = caller("bursts")
    admitted_count = 0
    for start in range(0, len(order), burst):
        calls = [admitted(processes[i], who) for i in order[start : start + burst]]
        admitted_count += sum(await asyncio.gather(*calls))
    assert LIMIT - (2 - 1) * (LEASE - 1) <= admitted_count <= LIMIT
