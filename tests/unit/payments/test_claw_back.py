from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.payments.claw_back import credits_for_refund
from domain.payments.errors import RefundExceedsCaptured


def test_half_refund_claws_back_half_the_credits() -> None:
    assert (
        credits_for_refund(credits=600, captured=49_900, refunded_before=0, refund_amount=24_950)
        == 300
    )


def test_over_refund_raises() -> None:
    with pytest.raises(RefundExceedsCaptured):
        credits_for_refund(credits=100, captured=9_900, refunded_before=9_000, refund_amount=901)


@given(
    credits=st.integers(0, 100_000),
    captured=st.integers(1, 10_000_000),
    data=st.data(),
)
def test_any_split_of_a_full_refund_claws_back_exactly_all_credits(
    credits: int, captured: int, data: st.DataObject
) -> None:
    cuts = sorted(
        set(data.draw(st.lists(st.integers(1, captured - 1), max_size=8)) if captured > 1 else [])
    )
    bounds = [0, *cuts, captured]
    total = 0
    for before, after in itertools.pairwise(bounds):
        part = credits_for_refund(
            credits=credits, captured=captured, refunded_before=before, refund_amount=after - before
        )
        assert part >= 0
        total += part
    assert total == credits
