"""Realtime events are published as their transaction commits; the relay's delivery of the same
outbox row publishes nothing more; a rolled-back transaction publishes nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.realtime.memory import InProcessRealtimeBus
from application.ports.outbox import CommittedMessage
from application.ports.outbox_commands import PublishRealtime, SendEmail
from application.realtime.ports import Delivery
from application.realtime.publish import PublishAfterCommit, PublishRealtimeHandler
from domain.realtime.events import BALANCE_CHANGED, NOTIFICATION_READ, RealtimeEvent


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 12, 2, tzinfo=UTC)


def setup() -> tuple[InProcessRealtimeBus, PublishAfterCommit, InMemoryUnitOfWorkFactory]:
    bus = InProcessRealtimeBus()
    publish = PublishAfterCommit(bus)
    return bus, publish, InMemoryUnitOfWorkFactory(MemoryStore(), FixedClock(), publish)


async def received(bus: InProcessRealtimeBus, user_id: str) -> list[Delivery]:
    seen: list[Delivery] = []
    await bus.subscribe(user_id, seen.append)
    return seen


async def test_committed_events_reach_the_bus_in_commit_order_without_the_relay() -> None:
    bus, publish, uow = setup()
    seen = await received(bus, "alice")
    for n in range(3):
        async with uow() as tx:
            await tx.outbox.add(PublishRealtime("alice", BALANCE_CHANGED, {"n": n}))
            await tx.outbox.add(SendEmail(to="a@example.com", template="t", context={}))
            await tx.commit()
    await publish.drain()
    events = [d for d in seen if isinstance(d, RealtimeEvent)]
    assert [(e.type, e.data["n"]) for e in events] == [(BALANCE_CHANGED, n) for n in range(3)]
    assert [e.id.seq for e in events] == [1, 2, 3]

    # The relay delivers the same rows later: each is published once.
    handler = PublishRealtimeHandler(bus)
    async with uow() as tx:
        pending = await tx.outbox.claim_pending(100, FixedClock().now())
    relayed = [m for m in pending if m.topic == PublishRealtime.TOPIC]
    assert len(relayed) == 3
    for message in relayed:
        await handler(message.id, message.payload)
    await asyncio.sleep(0)
    assert len([d for d in seen if isinstance(d, RealtimeEvent)]) == 3


async def test_a_rolled_back_transaction_publishes_nothing() -> None:
    bus, publish, uow = setup()
    seen = await received(bus, "bob")
    async with uow() as tx:
        await tx.outbox.add(PublishRealtime("bob", NOTIFICATION_READ, {"ids": []}))
        # left without commit: rolled back
    async with uow() as tx:
        await tx.outbox.add(PublishRealtime("bob", NOTIFICATION_READ, {"ids": []}))
        await tx.rollback()
        await tx.commit()  # nothing left to commit
    await publish.drain()
    assert seen == []


async def test_a_failing_bus_is_left_to_the_relay() -> None:
    class Down:
        async def publish(self, *args: object, **kwargs: object) -> None:
            raise ConnectionError("bus down")

    publish = PublishAfterCommit(Down())  # type: ignore[arg-type]
    command = PublishRealtime("carol", BALANCE_CHANGED, {})
    publish([CommittedMessage("m1", command), CommittedMessage("m2", command)])
    await publish.drain()  # logged, not raised


async def test_one_users_slow_publish_holds_up_only_that_users_later_events() -> None:
    """Users publish in parallel; one user's events stay in commit order."""
    release = asyncio.Event()
    published: list[tuple[str, int]] = []

    class SlowForAlice:
        async def publish(
            self, user_id: str, type_: str, data: dict[str, int], **_: object
        ) -> None:
            if user_id == "alice":
                await release.wait()
            published.append((user_id, data["n"]))

    publish = PublishAfterCommit(SlowForAlice())  # type: ignore[arg-type]
    publish([CommittedMessage("a1", PublishRealtime("alice", BALANCE_CHANGED, {"n": 1}))])
    publish([CommittedMessage("a2", PublishRealtime("alice", BALANCE_CHANGED, {"n": 2}))])
    publish([CommittedMessage("b1", PublishRealtime("bob", BALANCE_CHANGED, {"n": 1}))])
    for _ in range(5):
        await asyncio.sleep(0)
    assert published == [("bob", 1)]  # not queued behind alice's round trip
    release.set()
    await publish.drain()
    assert published == [("bob", 1), ("alice", 1), ("alice", 2)]
