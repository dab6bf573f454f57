"""Issue 7, item 5: the principal cache cannot resurrect a deleted account, on the memory cache
and on real Redis.

The interleaving, made deterministic: a request reads the user (active) and stalls just before
writing its cache entry; the ``user.deleted`` webhook commits and invalidates; the request then
writes its entry. Before the fix that entry (``deleted: false``) was served for five minutes;
now it is dead on arrival and the next request sees the deletion (403).

Issue 13 added a layer in each process (``NearCache``, ADR 0060): the same races with the request
in one "process" and the webhook in another, each with its own near cache, linked by an
in-process broadcast or by real Redis pub/sub."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from adapters.clerk.webhook_events import parse_clerk_webhook
from adapters.memory.cache import InMemoryCache
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.redis.cache import RedisCache, redis_client
from application.identity.provider_sync import (
    ApplyProviderWebhook,
    ReceiveProviderWebhook,
)
from application.identity.resolve_principal import ResolvePrincipal, principal_cache_key
from application.ports.cache import Cache
from application.ports.clock import SystemClock
from application.ports.identity import VerifiedToken
from application.ports.outbox_commands import ApplyIdentityWebhook
from domain.identity.user import AccountDeleted
from tests.fixtures.cache_gate import StalledFill
from tests.fixtures.databases import REDIS_URL
from tests.fixtures.fake_clerk_api import clerk_user
from tests.fixtures.near_caches import Broadcast, eventually, redis_processes
from tests.fixtures.svix_signing import clerk_event

TOKEN = VerifiedToken(subject="user_race", email="race@example.com", name=None, is_admin=False)


@pytest.fixture(params=["memory", "redis", "near-memory", "near-redis"])
async def caches(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Cache, Cache]]:
    """(the requests' cache, the webhook's cache): one cache, or two processes' near caches."""
    if request.param == "memory":
        shared: Cache = InMemoryCache()
        yield shared, shared
    elif request.param == "near-memory":
        broadcast, shared = Broadcast(), InMemoryCache()
        yield broadcast.process(shared), broadcast.process(shared)
    elif request.param == "near-redis":
        async with redis_processes(2) as (api, worker):
            yield api, worker
    else:
        client = redis_client(REDIS_URL)
        await client.ping()  # Redis is required by the suite: fail loudly, never degrade to misses
        try:
            shared = RedisCache(client, prefix=f"test:{uuid.uuid4().hex}:")
            yield shared, shared
        finally:
            await client.aclose()


class Identity:
    def __init__(self, caches: tuple[Cache, Cache]) -> None:
        self.store = MemoryStore()
        self.clock = SystemClock()
        self.uow = InMemoryUnitOfWorkFactory(self.store, self.clock)
        self.reads, self.cache = caches  # the API process's cache, the worker's

    def resolver(self, cache: Cache | None = None) -> ResolvePrincipal:
        return ResolvePrincipal(self.uow, cache or self.reads, self.clock, admin_subjects=())

    async def webhook(self, event_type: str, data: dict[str, object]) -> None:
        receive = ReceiveProviderWebhook(self.uow, self.clock)
        body = clerk_event(event_type, data).decode()
        await receive(delivery_id=f"msg_{uuid.uuid4().hex}", event_type=event_type, body=body)
        apply = ApplyProviderWebhook(self.uow, self.cache, self.clock, parse_clerk_webhook)
        for message in list(self.store.state.outbox.values()):
            if message["topic"] == ApplyIdentityWebhook.TOPIC and message["dispatched_at"] is None:
                await apply(str(message["id"]), message["payload"])  # type: ignore[arg-type]
                message["dispatched_at"] = self.clock.now()


async def test_a_request_that_read_the_user_before_the_delete_cannot_cache_it_back(caches):
    identity = Identity(caches)
    await identity.webhook("user.created", clerk_user("user_race", email="race@example.com"))
    gate = StalledFill(identity.reads, principal_cache_key("user_race"))

    stalled = asyncio.create_task(identity.resolver(gate)(TOKEN))
    await asyncio.wait_for(gate.reached.wait(), 5)  # read the active user, entry not yet written
    await identity.webhook("user.deleted", {"id": "user_race", "deleted": True, "object": "user"})
    gate.release()
    began_before = await asyncio.wait_for(stalled, 5)  # that request started before the delete

    assert began_before.subject == "user_race"
    await eventually(lambda: refused(identity))  # the broadcast reached the API process
    with pytest.raises(AccountDeleted) as denied:
        await identity.resolver()(TOKEN)
    assert denied.value.code == "ACCOUNT_DELETED"  # 403 over HTTP
    with pytest.raises(AccountDeleted):  # and it stays so (the deletion itself is cached now)
        await identity.resolver()(TOKEN)


async def test_an_update_is_seen_by_the_next_request_despite_a_stalled_fill(caches):
    identity = Identity(caches)
    await identity.webhook("user.created", clerk_user("user_race", first_name="Old"))
    gate = StalledFill(identity.reads, principal_cache_key("user_race"))

    stalled = asyncio.create_task(identity.resolver(gate)(TOKEN))
    await asyncio.wait_for(gate.reached.wait(), 5)
    await identity.webhook("user.updated", clerk_user("user_race", first_name="New"))
    gate.release()
    await asyncio.wait_for(stalled, 5)

    assert (await identity.resolver()(TOKEN)).name == "New Liddell"


async def refused(identity: Identity) -> bool:
    try:
        await identity.resolver()(TOKEN)
    except AccountDeleted:
        return True
    return False


async def test_a_principal_held_in_memory_is_refused_once_the_deletion_is_broadcast(caches):
    identity = Identity(caches)
    await identity.webhook("user.created", clerk_user("user_race", email="race@example.com"))
    for _ in range(3):  # the principal is now in the API process's memory (near caches)
        assert (await identity.resolver()(TOKEN)).subject == "user_race"

    await identity.webhook("user.deleted", {"id": "user_race", "deleted": True, "object": "user"})

    # The staleness bound is the broadcast's delivery, milliseconds, not the near cache's TTL.
    await eventually(lambda: refused(identity), seconds=1.0)
    with pytest.raises(AccountDeleted):
        await identity.resolver()(TOKEN)
