from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.free_credits.sliding_window import SlidingWindow

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_allows_up_to_the_limit_then_says_when_a_slot_frees() -> None:
    window = SlidingWindow(3, timedelta(hours=24))
    times = [T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)]
    assert window.retry_after(times[:2], T0 + timedelta(hours=3)) is None
    assert window.retry_after(times, T0 + timedelta(hours=3)) == 21 * 3600
    assert window.retry_after(times, T0 + timedelta(hours=24)) is None


@given(
    st.lists(st.integers(min_value=0, max_value=10_000), max_size=12),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=3_000),
    st.integers(min_value=0, max_value=12_000),
)
def test_retry_after_is_exactly_when_one_more_event_fits(
    offsets: list[int], limit: int, period_s: int, now_s: int
) -> None:
    window = SlidingWindow(limit, timedelta(seconds=period_s))
    times = [T0 + timedelta(seconds=o) for o in offsets]
    now = T0 + timedelta(seconds=now_s)
    wait = window.retry_after(times, now)
    if wait is None:
        assert len(window.live(times, now)) < limit
    else:
        assert wait >= 1
        assert len(window.live(times, now + timedelta(seconds=wait - 1))) >= limit or wait == 1
        later = now + timedelta(seconds=wait)
        # Only events up to ``now`` count; by ``later`` enough of them have left the window.
        past = [t for t in times if t <= now]
        assert len(window.live(past, later)) < limit
