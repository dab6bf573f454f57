"""The relay publishes committed outbox rows at least once and redelivers lost ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.jobs.relay import OutboxRelay
from entrypoints.containers import Container
from tests.fixtures.clock import FakeClock
from tests.unit.jobs.fakes import Probe, RecordingPublisher


async def add(container: Container, *labels: str, commit: bool = True) -> list[str]:
    """One probe message per label (labels only name them in the tests), in order."""
    ids = []
    clock: FakeClock = container.core.clock()
    async with container.infrastructure.uow()() as uow:
        for i in range(len(labels)):
            ids.append(await uow.outbox.add(Probe(n=i)))
            clock.advance(timedelta(milliseconds=1))  # distinct created_at: a defined order
        if commit:
            await uow.commit()
    return [i for i in ids if i is not None]


async def mark_processed(container: Container, message_id: str, clock: FakeClock) -> None:
    async with container.infrastructure.uow()() as uow:
        await uow.processed_messages.add(message_id, "t", clock.now())
        await uow.commit()


def relay(
    container: Container, publisher: RecordingPublisher, clock: FakeClock, **options: object
) -> OutboxRelay:
    return OutboxRelay(container.infrastructure.uow(), publisher, clock, **options)  # type: ignore[arg-type]


async def test_committed_rows_are_published_once_in_order(
    memory_container: Container, clock: FakeClock
) -> None:
    ids = await add(memory_container, "a", "b", "c")
    await add(memory_container, "rolled.back", commit=False)
    publisher = RecordingPublisher()
    outbox_relay = relay(memory_container, publisher, clock)
    assert await outbox_relay.relay_once() == 3
    assert await outbox_relay.relay_once() == 0
    assert publisher.ids == ids
    assert publisher.published[0].payload == {"n": 0} and publisher.published[0].attempts == 1


async def test_batches_are_bounded(memory_container: Container, clock: FakeClock) -> None:
    await add(memory_container, *["t"] * 5)
    publisher = RecordingPublisher()
    outbox_relay = relay(memory_container, publisher, clock, batch_size=2)
    assert [await outbox_relay.relay_once() for _ in range(4)] == [2, 2, 1, 0]


async def test_a_failed_publish_leaves_the_rows_pending(
    memory_container: Container, clock: FakeClock
) -> None:
    ids = await add(memory_container, "t")
    failing = RecordingPublisher(fail=True)
    with pytest.raises(ConnectionError):
        await relay(memory_container, failing, clock).relay_once()
    publisher = RecordingPublisher()
    assert await relay(memory_container, publisher, clock).relay_once() == 1
    assert publisher.ids == ids


async def test_dispatched_but_unprocessed_rows_are_redelivered_after_the_window(
    memory_container: Container, clock: FakeClock
) -> None:
    lost, done = await add(memory_container, "t", "t")
    publisher = RecordingPublisher()
    outbox_relay = relay(
        memory_container, publisher, clock, redeliver_after=timedelta(minutes=10), max_dispatches=3
    )
    await outbox_relay.relay_once()
    await mark_processed(memory_container, done, clock)
    clock.advance(timedelta(minutes=5))
    assert await outbox_relay.relay_once() == 0  # still within the window
    clock.advance(timedelta(minutes=6))
    assert await outbox_relay.relay_once() == 1
    assert publisher.ids == [lost, done, lost]
    clock.advance(timedelta(minutes=11))
    assert await outbox_relay.relay_once() == 1  # third and last dispatch
    clock.advance(timedelta(minutes=11))
    assert await outbox_relay.relay_once() == 0  # max_dispatches reached: left to an operator
    assert publisher.published[-1].attempts == 3


async def test_recover_redelivers_everything_unprocessed_at_once(
    memory_container: Container, clock: FakeClock
) -> None:
    first, second = await add(memory_container, "t", "t")
    await relay(memory_container, RecordingPublisher(), clock).relay_once()
    await mark_processed(memory_container, second, clock)
    publisher = RecordingPublisher()  # a new process: the in-memory broker lost `first`
    assert await relay(memory_container, publisher, clock).recover() == 1
    assert publisher.ids == [first]
