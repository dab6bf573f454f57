"""Issue 7, item 5: the principal cache cannot resurrect a deleted account, on the memory cache
and on real Redis.

The interleaving, made deterministic: a request reads the user (active) and stalls just before
writing its cache entry; the ``user.deleted`` webhook commits and invalidates; the request then
writes its entry. Before the fix that entry (``deleted: false``) was served for five minutes;
now it is dead on arrival and the next request sees the deletion (403)."""

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
from tests.fixtures.svix_signing import clerk_event

TOKEN = VerifiedToken(subject="user_race", email="race@example.com", name=None, is_admin=False)


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield InMemoryCache()
        return
    client = redis_client(REDIS_URL)
    await client.ping()  # Redis is required by the suite: fail loudly, never degrade to misses
    try:
        yield RedisCache(client, prefix=f"test:{uuid.uuid4().hex}:")
    finally:
        await client.aclose()


class Identity:
    def __init__(self, cache: Cache) -> None:
        self.store = MemoryStore()
        self.clock = SystemClock()
        self.uow = InMemoryUnitOfWorkFactory(self.store, self.clock)
        self.cache = cache

    def resolver(self, cache: Cache | None = None) -> ResolvePrincipal:
        return ResolvePrincipal(self.uow, cache or self.cache, self.clock, admin_subjects=())

    async def webhook(self, event_type: str, data: dict[str, object]) -> None:
        receive = ReceiveProviderWebhook(self.uow, self.clock)
        body = clerk_event(event_type, data).decode()
        await receive(delivery_id=f"msg_{uuid.uuid4().hex}", event_type=event_type, body=body)
        apply = ApplyProviderWebhook(self.uow, self.cache, self.clock, parse_clerk_webhook)
        for message in list(self.store.state.outbox.values()):
            if message["topic"] == ApplyIdentityWebhook.TOPIC and message["dispatched_at"] is None:
                await apply(str(message["id"]), message["payload"])  # type: ignore[arg-type]
                message["dispatched_at"] = self.clock.now()


async def test_a_request_that_read_the_user_before_the_delete_cannot_cache_it_back(cache):
    identity = Identity(cache)
    await identity.webhook("user.created", clerk_user("user_race", email="race@example.com"))
    gate = StalledFill(cache, principal_cache_key("user_race"))

    stalled = asyncio.create_task(identity.resolver(gate)(TOKEN))
    await asyncio.wait_for(gate.reached.wait(), 5)  # read the active user, entry not yet written
    await identity.webhook("user.deleted", {"id": "user_race", "deleted": True, "object": "user"})
    gate.release()
    began_before = await asyncio.wait_for(stalled, 5)  # that request started before the delete

    assert began_before.subject == "user_race"
    with pytest.raises(AccountDeleted) as denied:
        await identity.resolver()(TOKEN)
    assert denied.value.code == "ACCOUNT_DELETED"  # 403 over HTTP
    with pytest.raises(AccountDeleted):  # and it stays so (the deletion itself is cached now)
        await identity.resolver()(TOKEN)


async def test_an_update_is_seen_by_the_next_request_despite_a_stalled_fill(cache):
    identity = Identity(cache)
    await identity.webhook("user.created", clerk_user("user_race", first_name="Old"))
    gate = StalledFill(cache, principal_cache_key("user_race"))

    stalled = asyncio.create_task(identity.resolver(gate)(TOKEN))
    await asyncio.wait_for(gate.reached.wait(), 5)
    await identity.webhook("user.updated", clerk_user("user_race", first_name="New"))
    gate.release()
    await asyncio.wait_for(stalled, 5)

    assert (await identity.resolver()(TOKEN)).name == "New Liddell"
