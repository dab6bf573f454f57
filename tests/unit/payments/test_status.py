from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.payments.errors import IllegalTransition
from domain.payments.status import PaymentStatus, Trigger, can_take, next_status

S, T = PaymentStatus, Trigger
PAID = {S.COMPLETED, S.PARTIALLY_REFUNDED, S.REFUNDED}


@pytest.mark.parametrize(
    ("state", "trigger", "expected"),
    [
        (S.PENDING, T.AUTHORIZE, S.PROCESSING),
        (S.PENDING, T.CAPTURE, S.COMPLETED),
        (S.PENDING, T.CANCEL, S.CANCELLED),
        (S.PROCESSING, T.CAPTURE, S.COMPLETED),
        (S.PROCESSING, T.FAIL, S.PROCESSING),
        (S.PROCESSING, T.LAPSE, S.FAILED),
        (S.FAILED, T.CAPTURE, S.COMPLETED),
        (S.FAILED, T.AUTHORIZE, S.PROCESSING),
        (S.CANCELLED, T.CAPTURE, S.COMPLETED),
        (S.COMPLETED, T.FAIL, S.COMPLETED),
        (S.COMPLETED, T.REFUND_PARTIAL, S.PARTIALLY_REFUNDED),
        (S.PARTIALLY_REFUNDED, T.REFUND_FULL, S.REFUNDED),
    ],
)
def test_edges(state: PaymentStatus, trigger: Trigger, expected: PaymentStatus) -> None:
    assert next_status(state, trigger) is expected


@pytest.mark.parametrize(
    ("state", "trigger"),
    [
        (S.COMPLETED, T.CANCEL),
        (S.REFUNDED, T.CANCEL),
        (S.PROCESSING, T.CANCEL),
        (S.PENDING, T.REFUND_FULL),
        (S.FAILED, T.REFUND_PARTIAL),
        (S.CANCELLED, T.REFUND_FULL),
        (S.REFUNDED, T.REFUND_PARTIAL),
    ],
)
def test_illegal_edges_raise(state: PaymentStatus, trigger: Trigger) -> None:
    assert not can_take(state, trigger)
    with pytest.raises(IllegalTransition) as err:
        next_status(state, trigger)
    assert err.value.code == "CONFLICT"


@given(st.sampled_from(list(S)), st.lists(st.sampled_from(list(T)), max_size=30))
def test_nothing_leaves_the_paid_states(start: PaymentStatus, triggers: list[Trigger]) -> None:
    state = start
    for trigger in triggers:
        try:
            after = next_status(state, trigger)
        except IllegalTransition:
            continue
        if state in PAID:
            assert after in PAID
        if state is S.COMPLETED:
            assert after in {S.COMPLETED, S.PARTIALLY_REFUNDED, S.REFUNDED}
        state = after


GATEWAY = [T.AUTHORIZE, T.CAPTURE, T.FAIL]
RANK = {S.PENDING: 0, S.FAILED: 1, S.PROCESSING: 2, S.COMPLETED: 3}


@given(st.lists(st.sampled_from(GATEWAY), max_size=20))
def test_gateway_facts_fold_to_their_join(triggers: list[Trigger]) -> None:
    state = S.PENDING
    for trigger in triggers:
        state = next_status(state, trigger)
    expected = max(
        (next_status(S.PENDING, t) for t in triggers), key=RANK.__getitem__, default=S.PENDING
    )
    assert state is expected
