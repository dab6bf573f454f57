"""The pure parts of replica routing (ADR 0094): WAL positions, the read-your-writes window,
which replicas may be read."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.sqlalchemy.replicas import InProcessRecentWriters, Replica, ReplicaSet, parse_lsn


@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_lsn_order_is_integer_order(high: int, low: int, other_low: int) -> None:
    a, b = parse_lsn(f"{high:X}/{low:X}"), parse_lsn(f"{high:X}/{other_low:X}")
    assert (a < b) == (low < other_low)
    assert parse_lsn(f"{high + 1:X}/0") > parse_lsn(f"{high:X}/FFFFFFFF")


async def test_a_writer_reads_the_primary_for_the_window_only() -> None:
    now = [100.0]
    writers = InProcessRecentWriters(window=3.0, monotonic=lambda: now[0])
    await writers.wrote("u1")
    assert await writers.wrote_recently("u1")
    assert not await writers.wrote_recently("u2")
    now[0] += 2.9
    assert await writers.wrote_recently("u1")
    now[0] += 0.2
    assert not await writers.wrote_recently("u1")


def test_only_fresh_live_replicas_are_picked() -> None:
    engine: Any = None
    fresh, late, dead, unknown = (Replica(name, engine) for name in "abcd")
    fresh.lag_seconds, late.lag_seconds, dead.lag_seconds = 0.5, 9.0, 0.0
    dead.down = True
    replicas = ReplicaSet(engine, [fresh, late, dead, unknown], max_lag_seconds=2.0)
    assert all(replicas.pick() is fresh for _ in range(20))
    fresh.down = True
    assert replicas.pick() is None  # the primary
    # The window outlasts the staleness any picked replica can have.
    assert replicas.read_your_writes_window > replicas.max_lag_seconds
