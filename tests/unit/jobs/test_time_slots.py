"""Time slots: every instant falls in exactly one slot, aligned on epoch + offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.jobs.time_slots import slot_start

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
periods = st.integers(min_value=1, max_value=7 * 24 * 3600).map(lambda s: timedelta(seconds=s))


@given(instants, periods, st.floats(min_value=0, max_value=0.999))
def test_the_slot_contains_the_instant_and_is_aligned(
    now: datetime, every: timedelta, fraction: float
) -> None:
    offset = timedelta(seconds=int(every.total_seconds() * fraction))
    start = slot_start(now, every, offset)
    assert start <= now < start + every
    assert (start - datetime(1970, 1, 1, tzinfo=UTC) - offset) % every == timedelta(0)
    # Every instant of the slot maps to the same start.
    assert slot_start(start, every, offset) == start
    assert slot_start(start + every - timedelta(microseconds=1), every, offset) == start


def test_daily_at_six_utc() -> None:
    day, six = timedelta(days=1), timedelta(hours=6)
    assert slot_start(datetime(2026, 11, 22, 5, 59, tzinfo=UTC), day, six) == datetime(
        2026, 11, 21, 6, 0, tzinfo=UTC
    )
    assert slot_start(datetime(2026, 11, 22, 6, 0, tzinfo=UTC), day, six) == datetime(
        2026, 11, 22, 6, 0, tzinfo=UTC
    )


def test_every_five_minutes() -> None:
    assert slot_start(
        datetime(2026, 11, 22, 10, 7, 30, tzinfo=UTC), timedelta(minutes=5)
    ) == datetime(2026, 11, 22, 10, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("every", "offset"),
    [
        (timedelta(0), timedelta(0)),
        (timedelta(hours=1), timedelta(hours=1)),
        (timedelta(hours=1), timedelta(hours=-1)),
    ],
)
def test_bad_periods_are_refused(every: timedelta, offset: timedelta) -> None:
    with pytest.raises(ValueError):
        slot_start(datetime(2026, 1, 1, tzinfo=UTC), every, offset)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError):
        slot_start(datetime(2026, 1, 1), timedelta(hours=1))
