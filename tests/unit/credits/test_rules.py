"""The ledger's rules as pure functions: what every store (Book, SQL, fast path) asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.credits import entries
from domain.credits.accounts import SystemAccount, user_wallet
from domain.credits.errors import IdempotencyKeyReused, InsufficientCredits
from domain.credits.holds import Hold
from domain.credits.outcomes import Posted, Rejected, RejectionReason
from domain.credits.rules import (
    Accepted,
    SimpleDebit,
    judge_claw_back,
    judge_posting,
    judge_reservation,
    replay_posted,
    sequence_postings,
    single_wallet_debit,
)
from domain.credits.wallets import Balance

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ALICE, BOB = user_wallet("alice"), user_wallet("bob")


def spend(amount: int, key: str = "k") -> object:
    return entries.deduction(
        tx_id="t1", wallet=ALICE, amount=amount, key=key, description="x", now=NOW
    )


@given(balance=st.integers(0, 200), held=st.integers(0, 200), amount=st.integers(1, 200))
def test_a_debit_posts_exactly_when_the_fast_path_condition_holds(balance, held, amount):
    """``balance - held >= amount`` is the fast path's UPDATE condition; the rule must agree."""
    held = min(held, balance)
    verdict = judge_posting(spend(amount), {ALICE: Balance(balance, held)})
    assert isinstance(verdict, Accepted) == (balance - held >= amount)
    if isinstance(verdict, Accepted):
        assert verdict.balances_after() == {ALICE: balance - amount}
    else:  # the figures REFUSE_SQL stores
        assert verdict.reason is RejectionReason.INSUFFICIENT_CREDITS
        assert verdict.details == {
            "balance": balance,
            "available": balance - held,
            "required": amount,
        }


def test_a_missing_wallet_is_empty_and_credits_create_it():
    bonus = entries.bonus(tx_id="t", wallet=ALICE, amount=5, key="b", description="", now=NOW)
    assert judge_posting(bonus, {}) == Accepted({ALICE: Balance(5, 0)})
    assert isinstance(judge_posting(spend(1), {}), Rejected)


def test_a_transfer_is_refused_on_the_debited_wallet():
    tx = entries.transfer(
        tx_id="t", source=BOB, target=ALICE, amount=10, key="tr", description="", now=NOW
    )
    verdict = judge_posting(tx, {BOB: Balance(3, 0)})
    assert isinstance(verdict, Rejected) and verdict.account == BOB


def test_only_a_one_wallet_debit_to_a_system_account_is_a_simple_debit():
    assert single_wallet_debit(spend(7)) == SimpleDebit(ALICE, 7, SystemAccount.CONSUMPTION.value)
    bonus = entries.bonus(tx_id="t", wallet=ALICE, amount=5, key="b", description="", now=NOW)
    assert single_wallet_debit(bonus) is None
    tx = entries.transfer(
        tx_id="t", source=BOB, target=ALICE, amount=1, key="tr", description="", now=NOW
    )
    assert single_wallet_debit(tx) is None


def test_postings_take_the_next_sequence_numbers_in_posting_order():
    tx = spend(3)
    assert [(n, p.account) for n, p in sequence_postings(tx, 41)] == [
        (42, ALICE),
        (43, SystemAccount.CONSUMPTION.value),
    ]


def test_a_replay_returns_the_first_posting_or_stays_refused():
    tx = spend(3)
    posted = Posted(tx, {ALICE: 7})
    assert replay_posted(posted, tx.fingerprint) is posted
    with pytest.raises(IdempotencyKeyReused):
        replay_posted(posted, spend(4).fingerprint)
    refused = judge_posting(tx, {ALICE: Balance(1, 0)})
    assert isinstance(refused, Rejected)
    with pytest.raises(InsufficientCredits):
        replay_posted(refused, tx.fingerprint)


def test_a_reservation_is_new_replayed_refused_or_a_reused_key():
    hold = Hold.reserve(
        hold_id="h1", wallet=ALICE, amount=5, key="hk", now=NOW, expires_at=NOW + timedelta(1)
    )
    new = judge_reservation(hold, Balance(10, 0), None, None)
    assert not isinstance(new, Rejected) and new.is_new and new.held_after == Balance(10, 5)
    again = judge_reservation(hold, Balance(10, 5), hold, None)
    assert not isinstance(again, Rejected) and not again.is_new and again.hold is hold
    other = Hold.reserve(
        hold_id="h2", wallet=ALICE, amount=6, key="hk", now=NOW, expires_at=NOW + timedelta(1)
    )
    with pytest.raises(IdempotencyKeyReused):
        judge_reservation(other, Balance(10, 5), hold, None)
    refused = judge_reservation(hold, Balance(4, 0), None, None)
    assert isinstance(refused, Rejected)
    with pytest.raises(InsufficientCredits):
        judge_reservation(hold, Balance(100, 0), None, refused)


def claw_back(available: int) -> object:
    claim = entries.RefundClaim(ALICE, "p", "r", 10, "")
    return judge_claw_back(claim, tx_id="t", now=NOW, available=available)


def test_a_claw_back_is_floored_at_the_available_credits():
    tx = claw_back(4)
    assert not isinstance(tx, Rejected)
    assert tx.posting_for(ALICE).amount == -4  # type: ignore[attr-defined]
    assert tx.metadata["shortfall"] == 6  # type: ignore[attr-defined]
    nothing = claw_back(0)
    assert isinstance(nothing, Rejected)
    assert nothing.reason is RejectionReason.NOTHING_TO_CLAW_BACK
    assert nothing.details == {"requested": 10, "shortfall": 10}
