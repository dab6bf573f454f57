"""Issue 7, item 5 ("look for the same class elsewhere"): the profile and unread-count caches are
filled from a read that can race the write invalidating them. On the memory cache and on real
Redis: a fill that read before the write and lands after its invalidation is never served."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from adapters.memory.cache import InMemoryCache
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.redis.cache import RedisCache, redis_client
from application.identity.principal import Principal
from application.notifications.delivery import CreateNotificationHandler
from application.notifications.inbox import CountUnread, MarkNotifications, unread_cache_key
from application.ports.cache import Cache
from application.ports.clock import SystemClock
from application.profiles.own_profile import GetOwnProfile, UpdateProfile
from application.profiles.profile_cache import profile_cache_key
from application.profiles.public_profile import ViewPublicProfile
from domain.errors import NotFound
from domain.identity.user import User
from domain.profiles.profile import PrivacySettings, ProfileDetails
from tests.fixtures.cache_gate import StalledFill
from tests.fixtures.databases import REDIS_URL

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ME = Principal("u-race", "sub-race", "race@example.com", "Ray Race")


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield InMemoryCache()
        return
    client = redis_client(REDIS_URL)
    await client.ping()
    try:
        yield RedisCache(client, prefix=f"test:{uuid.uuid4().hex}:")
    finally:
        await client.aclose()


@pytest.fixture
def uow() -> InMemoryUnitOfWorkFactory:
    store = MemoryStore()
    store.state.identity.users[ME.user_id] = User(
        ME.user_id, ME.subject, ME.email, "Ray", "Race", None, None, NOW, NOW
    )
    return InMemoryUnitOfWorkFactory(store, SystemClock())


async def test_a_profile_read_before_it_went_private_is_not_cached_back(cache, uow):
    clock = SystemClock()
    await GetOwnProfile(uow, cache, clock)(ME)  # created, public
    await UpdateProfile(uow, cache, clock)(ME, ProfileDetails("Ray"), PrivacySettings())
    gate = StalledFill(cache, profile_cache_key(ME.user_id))

    stalled = asyncio.create_task(GetOwnProfile(uow, gate, clock)(ME))
    await asyncio.wait_for(gate.reached.wait(), 5)  # read the public profile, not yet cached
    private = PrivacySettings(is_public=False)
    await UpdateProfile(uow, cache, clock)(ME, ProfileDetails("Ray", bio="now private"), private)
    gate.release()
    await asyncio.wait_for(stalled, 5)

    mine = await GetOwnProfile(uow, cache, clock)(ME)
    assert (mine.privacy.is_public, mine.details.bio) == (False, "now private")
    with pytest.raises(NotFound):  # the public view reads the same cache
        await ViewPublicProfile(uow, cache)(ME.user_id, None)


async def test_an_unread_count_read_before_a_new_notification_is_not_cached_back(cache, uow):
    clock = SystemClock()
    count = CountUnread(uow, cache)
    notify = CreateNotificationHandler(uow, cache, clock)
    payload = {"userId": ME.user_id, "title": "Hello", "message": "One"}
    await notify("n-1", payload)
    assert await count(ME) == 1
    await MarkNotifications(uow, cache, clock)(ME, None, True)
    gate = StalledFill(cache, unread_cache_key(ME.user_id))

    stalled = asyncio.create_task(CountUnread(uow, gate)(ME))
    await asyncio.wait_for(gate.reached.wait(), 5)  # counted 0, not yet cached
    await notify("n-2", payload)
    gate.release()
    assert await asyncio.wait_for(stalled, 5) == 0

    assert await count(ME) == 1
