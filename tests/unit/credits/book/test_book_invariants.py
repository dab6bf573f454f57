"""Random sequences of ledger operations never break an invariant (hypothesis state machine)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.credits import entries
from domain.credits.accounts import is_wallet, user_wallet
from domain.credits.book import Book
from domain.credits.entry_types import EntryType
from domain.credits.errors import (
    AlreadyClaimed,
    HoldNotOpen,
    IdempotencyKeyReused,
    InsufficientCredits,
)
from domain.credits.holds import Hold, HoldStatus
from domain.credits.outcomes import Posted, Rejected, RejectionReason
from domain.errors import DomainError

WALLETS = [user_wallet(f"u{i}") for i in range(3)]
wallets = st.sampled_from(WALLETS)
amounts = st.integers(min_value=1, max_value=60)
keys = st.sampled_from([f"k{i}" for i in range(8)])  # small pool: replays and reuse happen
payments = st.sampled_from([f"pay{i}" for i in range(5)])
refunds = st.sampled_from([f"rf{i}" for i in range(5)])
T0 = datetime(2026, 1, 1, tzinfo=UTC)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.book = Book()
        self.now = T0
        self.seq = 0
        self.rejected_keys: set[str] = set()
        self.first_result: dict[str, Posted] = {}

    def _id(self) -> str:
        self.seq += 1
        return f"tx{self.seq:06d}"

    def _post(self, tx_factory: object) -> None:
        tx = tx_factory()  # type: ignore[operator]
        key = tx.idempotency_key
        before = self.book.outcome(key)
        try:
            posted = self.book.post(tx)
        except InsufficientCredits as exc:
            assert exc.required > exc.available >= 0
            self.rejected_keys.add(key)
            assert before is None or isinstance(before, Rejected)
            return
        except (IdempotencyKeyReused, AlreadyClaimed):
            assert before is not None or tx.type in (EntryType.INITIAL_ALLOCATION,)
            return
        assert key not in self.rejected_keys, "a key refused for insufficient credits succeeded"
        if before is not None:  # a replay returns the original result, identically
            assert isinstance(before, Posted) and posted is before
        self.first_result.setdefault(key, posted)
        assert self.first_result[key] is posted

    # -- movements ------------------------------------------------------------------------
    @rule(wallet=wallets, amount=amounts, key=keys)
    def bonus(self, wallet: str, amount: int, key: str) -> None:
        self._post(
            lambda: entries.bonus(
                tx_id=self._id(),
                wallet=wallet,
                amount=amount,
                key=f"bonus:{key}",
                description="b",
                now=self.now,
            )
        )

    @rule(wallet=wallets, amount=amounts, payment=payments)
    def purchase(self, wallet: str, amount: int, payment: str) -> None:
        self._post(
            lambda: entries.purchase(
                tx_id=self._id(),
                wallet=wallet,
                payment_id=payment,
                credits=amount,
                description="p",
                now=self.now,
            )
        )

    @rule(wallet=wallets, amount=amounts)
    def initial_allocation(self, wallet: str, amount: int) -> None:
        had = self.book.has_initial_allocation(wallet)
        try:
            self.book.post(
                entries.initial_allocation(
                    tx_id=self._id(), wallet=wallet, amount=amount, description="w", now=self.now
                )
            )
        except AlreadyClaimed:
            assert had
        else:
            assert not had

    @rule(wallet=wallets, amount=amounts, key=keys, purpose=st.sampled_from(["a", "b"]))
    def spend(self, wallet: str, amount: int, key: str, purpose: str) -> None:
        self._post(
            lambda: entries.deduction(
                tx_id=self._id(),
                wallet=wallet,
                amount=amount,
                key=f"spend:{key}",
                description=purpose,
                now=self.now,
            )
        )

    @rule(wallet=wallets, amount=st.integers(-60, 60).filter(bool), key=keys)
    def adjust(self, wallet: str, amount: int, key: str) -> None:
        self._post(
            lambda: entries.adjustment(
                tx_id=self._id(),
                wallet=wallet,
                amount=amount,
                key=f"adj:{key}",
                description="a",
                now=self.now,
            )
        )

    @rule(wallet=wallets, amount=amounts, key=keys)
    def expire_credits(self, wallet: str, amount: int, key: str) -> None:
        self._post(
            lambda: entries.expiry(
                tx_id=self._id(),
                wallet=wallet,
                amount=amount,
                key=f"exp:{key}",
                description="e",
                now=self.now,
            )
        )

    @rule(source=wallets, to=wallets, amount=amounts, key=keys)
    def transfer(self, source: str, to: str, amount: int, key: str) -> None:
        if source != to:
            self._post(
                lambda: entries.transfer(
                    tx_id=self._id(),
                    source=source,
                    target=to,
                    amount=amount,
                    key=f"tr:{key}",
                    description="t",
                    now=self.now,
                )
            )

    @rule(wallet=wallets, payment=payments, refund=refunds, amount=amounts)
    def claw_back(self, wallet: str, payment: str, refund: str, amount: int) -> None:
        available = self.book.balance(wallet).available
        known = self.book.outcome(entries.refund_key(refund))
        try:
            result = self.book.claw_back(
                tx_id=self._id(),
                wallet=wallet,
                payment_id=payment,
                refund_id=refund,
                credits=amount,
                description="r",
                now=self.now,
            )
        except IdempotencyKeyReused:
            assert known is not None
            return
        assert result.clawed + result.shortfall == amount
        if known is None:
            assert result.clawed == min(amount, available)

    # -- holds ----------------------------------------------------------------------------
    @rule(wallet=wallets, amount=amounts, key=keys, ttl=st.integers(1, 120))
    def reserve(self, wallet: str, amount: int, key: str, ttl: int) -> None:
        hold = Hold.reserve(
            hold_id=self._id(),
            wallet=wallet,
            amount=amount,
            key=f"hold:{key}",
            now=self.now,
            expires_at=self.now + timedelta(seconds=ttl),
        )
        with contextlib.suppress(InsufficientCredits, IdempotencyKeyReused):
            self.book.reserve(hold)

    @precondition(lambda self: any(h.is_open for h in self.book.holds()))
    @rule(data=st.data())
    def capture(self, data: st.DataObject) -> None:
        hold = data.draw(st.sampled_from([h for h in self.book.holds() if h.is_open]))
        amount = data.draw(st.integers(1, hold.amount))
        try:
            posted = self.book.capture(hold.id, amount, tx_id=self._id(), now=self.now)
        except HoldNotOpen:
            assert hold.is_due(self.now)
            return
        assert posted.transaction.posting_for(hold.wallet).amount == -amount  # type: ignore[union-attr]
        assert self.book.hold(hold.id).status is HoldStatus.CAPTURED

    @precondition(lambda self: bool(self.book.holds()))
    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        hold = data.draw(st.sampled_from(self.book.holds()))
        try:
            self.book.void(hold.id, self.now)
        except HoldNotOpen:
            assert not hold.is_open

    @rule(seconds=st.integers(0, 90))
    def tick_and_expire_holds(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)
        for hold in self.book.expire_due(self.now):
            assert hold.status is HoldStatus.EXPIRED

    # -- invariants -----------------------------------------------------------------------
    @invariant()
    def wallets_never_below_zero(self) -> None:
        for w in WALLETS:
            b = self.book.balance(w)
            assert b.balance >= b.held >= 0 and b.available >= 0

    @invariant()
    def held_is_sum_of_open_holds(self) -> None:
        for w in WALLETS:
            open_sum = sum(h.amount for h in self.book.holds() if h.wallet == w and h.is_open)
            assert self.book.balance(w).held == open_sum

    @invariant()
    def balances_are_sums_of_postings(self) -> None:
        assert self.book.differences() == {}
        assert sum(self.book.account_total(a) for a in self.book.accounts()) == 0
        running: dict[str, int] = {}
        for tx in self.book.transactions():
            assert sum(p.amount for p in tx.postings) == 0
            for p in tx.postings:
                running[p.account] = running.get(p.account, 0) + p.amount
                if is_wallet(p.account):
                    assert self.book.balance_after(tx.id, p.account) == running[p.account]

    @invariant()
    def uniqueness(self) -> None:
        txs = list(self.book.transactions())
        assert len({t.idempotency_key for t in txs}) == len(txs)
        initial = [
            t.wallet_postings()[0].account for t in txs if t.type is EntryType.INITIAL_ALLOCATION
        ]
        assert len(initial) == len(set(initial))
        purchases = [t.payment_id for t in txs if t.type is EntryType.PURCHASE]
        assert len(purchases) == len(set(purchases))

    @invariant()
    def refused_keys_stay_refused(self) -> None:
        for key in self.rejected_keys:
            outcome = self.book.outcome(key)
            assert isinstance(outcome, Rejected)
            assert outcome.reason is RejectionReason.INSUFFICIENT_CREDITS


LedgerMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestLedgerInvariants = LedgerMachine.TestCase


def test_domain_errors_carry_api_codes() -> None:
    assert InsufficientCredits(balance=1, available=1, required=2).code == "INSUFFICIENT_CREDITS"
    assert AlreadyClaimed().code == "ALREADY_CLAIMED"
    assert issubclass(IdempotencyKeyReused, DomainError)
    assert IdempotencyKeyReused("k").code == "DUPLICATE_REQUEST"
