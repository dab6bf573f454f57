"""Property: whatever the interleaving, the relay publishes every committed message, never a
rolled-back one, and no message more than MAX dispatches times."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dependency_injector import providers
from hypothesis import given, settings
from hypothesis import strategies as st

from application.jobs.relay import OutboxRelay
from entrypoints.config import Settings
from entrypoints.containers import Container, MemoryInfrastructure
from tests.fixtures.clock import FakeClock
from tests.unit.jobs.fakes import Probe, RecordingPublisher

WINDOW = timedelta(minutes=10)
MAX_DISPATCHES = 3

steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.booleans()),  # add a message; commit or roll back
        st.tuples(st.just("relay"), st.integers(min_value=1, max_value=4)),  # batch size
        st.tuples(st.just("process"), st.integers(min_value=0, max_value=30)),  # nth published
        st.tuples(st.just("wait"), st.integers(min_value=1, max_value=15)),  # minutes
    ),
    max_size=40,
)


def memory_container() -> tuple[Container, FakeClock]:
    container = Container(
        config=Settings(env="test", var_dir=Path("/nonexistent"), dev_auth_secret="x" * 40)
    )
    container.infrastructure.override(MemoryInfrastructure(core=container.core))
    clock = FakeClock(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    container.core.clock.override(providers.Object(clock))
    return container, clock


async def scenario(plan: list[tuple[str, int]]) -> None:
    container, clock = memory_container()
    uow = container.infrastructure.uow()
    publisher = RecordingPublisher()
    committed: set[str] = set()
    rolled_back: set[str] = set()
    processed: set[str] = set()
    for step, arg in plan:
        if step == "add":
            async with uow() as tx:
                message_id = await tx.outbox.add(Probe())
                assert message_id is not None
                if arg:
                    await tx.commit()
            (committed if arg else rolled_back).add(message_id)
        elif step == "relay":
            await OutboxRelay(
                uow,
                publisher,
                clock,
                batch_size=int(arg),
                redeliver_after=WINDOW,
                max_dispatches=MAX_DISPATCHES,
            ).relay_once()
        elif step == "process" and publisher.ids:
            message_id = publisher.ids[int(arg) % len(publisher.ids)]
            async with uow() as tx:
                await tx.processed_messages.add(message_id, "t", clock.now())
                await tx.commit()
            processed.add(message_id)
        elif step == "wait":
            clock.advance(timedelta(minutes=int(arg)))
    # Drain: relay until nothing is pending, and let every window pass.
    relay = OutboxRelay(
        uow, publisher, clock, batch_size=100, redeliver_after=WINDOW, max_dispatches=MAX_DISPATCHES
    )
    for _ in range(MAX_DISPATCHES + 1):
        await relay.relay_once()
        clock.advance(WINDOW)
    published = Counter(publisher.ids)
    assert set(published) == committed  # every committed message, no rolled-back one
    assert not set(published) & rolled_back
    assert max(published.values(), default=0) <= MAX_DISPATCHES
    # An unprocessed message is retried up to the limit; a processed one is not sent again.
    for message_id in committed - processed:
        assert published[message_id] == MAX_DISPATCHES


@settings(max_examples=60, deadline=None)
@given(steps)
def test_the_relay_is_at_least_once_and_bounded(plan: list[tuple[str, int]]) -> None:
    asyncio.run(scenario(plan))
