"""Worked examples of the ledger rules (the state machine explores the rest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.credits import entries
from domain.credits.accounts import SystemAccount, user_wallet
from domain.credits.book import Book
from domain.credits.entry_types import EntryType
from domain.credits.errors import (
    AlreadyClaimed,
    HoldNotOpen,
    IdempotencyKeyReused,
    InsufficientCredits,
    InvalidAmount,
    InvalidTransaction,
)
from domain.credits.holds import Hold
from domain.credits.transactions import LedgerTransaction, Posting

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ALICE = user_wallet("alice")


def funded(amount: int = 100) -> Book:
    book = Book()
    book.post(
        entries.bonus(
            tx_id="t0", wallet=ALICE, amount=amount, key="seed", description="seed", now=NOW
        )
    )
    return book


def spend(book: Book, amount: int, key: str, tx_id: str = "tx", purpose: str = "x") -> object:
    return book.post(
        entries.deduction(
            tx_id=tx_id, wallet=ALICE, amount=amount, key=key, description=purpose, now=NOW
        )
    )


def test_spend_moves_credits_to_consumption_and_records_balance_after() -> None:
    book = funded(100)
    posted = spend(book, 30, "k1")
    assert book.balance(ALICE).balance == 70
    assert book.account_total(SystemAccount.CONSUMPTION) == 30
    assert book.account_total(SystemAccount.PROMOTIONS) == -100
    assert posted.entry_for(ALICE).balance_after == 70  # type: ignore[attr-defined]


def test_same_key_same_input_replays_the_original_result() -> None:
    book = funded()
    first = spend(book, 10, "k1", tx_id="a")
    again = spend(book, 10, "k1", tx_id="b")
    assert again is first and book.balance(ALICE).balance == 90


def test_same_key_other_input_is_a_duplicate_request() -> None:
    book = funded()
    spend(book, 10, "k1")
    with pytest.raises(IdempotencyKeyReused) as err:
        spend(book, 11, "k1")
    assert err.value.code == "DUPLICATE_REQUEST"


def test_a_key_refused_for_insufficient_credits_never_succeeds_later() -> None:
    book = funded(5)
    with pytest.raises(InsufficientCredits) as err:
        spend(book, 10, "k1")
    assert err.value.details == {"balance": 5, "available": 5, "required": 10}
    book.post(
        entries.bonus(tx_id="t9", wallet=ALICE, amount=100, key="more", description="", now=NOW)
    )
    with pytest.raises(InsufficientCredits):
        spend(book, 10, "k1")
    assert book.balance(ALICE).balance == 105


def test_one_initial_allocation_per_wallet() -> None:
    book = Book()
    tx = entries.initial_allocation(tx_id="i1", wallet=ALICE, amount=200, description="w", now=NOW)
    book.post(tx)
    with pytest.raises(AlreadyClaimed) as err:
        book.post(tx)
    assert err.value.code == "ALREADY_CLAIMED"


def test_one_purchase_per_payment_and_replay_returns_it() -> None:
    book = Book()
    first = book.post(
        entries.purchase(
            tx_id="p1", wallet=ALICE, payment_id="pay", credits=100, description="d", now=NOW
        )
    )
    again = book.post(
        entries.purchase(
            tx_id="p2",
            wallet=ALICE,
            payment_id="pay",
            credits=100,
            description="other text",
            now=NOW,
        )
    )
    assert again is first and book.balance(ALICE).balance == 100


def test_claw_back_is_floored_at_available_credits_and_idempotent() -> None:
    book = funded(100)
    book.reserve(
        Hold.reserve(
            hold_id="h",
            wallet=ALICE,
            amount=70,
            key="h",
            now=NOW,
            expires_at=NOW + timedelta(minutes=5),
        )
    )
    back = book.claw_back(
        tx_id="r1",
        wallet=ALICE,
        payment_id="pay",
        refund_id="rf",
        credits=50,
        description="refund",
        now=NOW,
    )
    assert (back.clawed, back.shortfall) == (30, 20)
    assert book.balance(ALICE).balance == 70
    again = book.claw_back(
        tx_id="r2",
        wallet=ALICE,
        payment_id="pay",
        refund_id="rf",
        credits=50,
        description="refund",
        now=NOW,
    )
    assert again == back


def test_holds_lower_available_and_capture_partially() -> None:
    book = funded(100)
    book.reserve(
        Hold.reserve(
            hold_id="h",
            wallet=ALICE,
            amount=60,
            key="h",
            now=NOW,
            expires_at=NOW + timedelta(minutes=5),
        )
    )
    assert book.balance(ALICE).available == 40
    with pytest.raises(InsufficientCredits):
        spend(book, 41, "k")
    book.capture("h", 25, tx_id="c", now=NOW)
    assert (book.balance(ALICE).balance, book.balance(ALICE).held) == (75, 0)
    with pytest.raises(HoldNotOpen):
        book.void("h", NOW)


def test_expired_hold_cannot_be_captured_and_is_released() -> None:
    book = funded(100)
    book.reserve(
        Hold.reserve(
            hold_id="h",
            wallet=ALICE,
            amount=60,
            key="h",
            now=NOW,
            expires_at=NOW + timedelta(seconds=10),
        )
    )
    later = NOW + timedelta(seconds=10)
    with pytest.raises(HoldNotOpen):
        book.capture("h", 10, tx_id="c", now=later)
    assert [h.id for h in book.expire_due(later)] == ["h"]
    assert book.balance(ALICE).available == 100


@pytest.mark.parametrize("amount", [0, -1, 10**12, 1.5, True, "3"])
def test_bad_amounts_are_refused(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        entries.deduction(
            tx_id="t",
            wallet=ALICE,
            amount=amount,
            key="k",  # type: ignore[arg-type]
            description="",
            now=NOW,
        )


def test_unbalanced_transactions_cannot_be_built() -> None:
    with pytest.raises(InvalidTransaction):
        LedgerTransaction(
            id="t",
            type=EntryType.BONUS,
            idempotency_key="k",
            fingerprint="f",
            description="",
            created_at=NOW,
            postings=(
                Posting(ALICE, 10, EntryType.BONUS),
                Posting("promotions", -9, EntryType.BONUS),
            ),
        )
