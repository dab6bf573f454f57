"""Lots on the reference model (hypothesis): for any sequence of promotional grants, purchases,
spends, holds and captures, refunds, transfers, clock ticks and expiry runs, balance = Σ postings,
no lot is negative, the lots fit in the balance, and a lot past its expiry loses credits only to
its own EXPIRY (the rest, its shortfall, to captures of holds reserved before it expired)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.credits import entries
from domain.credits.book import Book
from domain.credits.entry_types import EntryType
from domain.credits.holds import Hold
from domain.credits.lots import EXPIRED_LOT
from domain.errors import DomainError
from tests.unit.credits.book.test_book_invariants import T0, WALLETS, amounts, keys, wallets


class LotsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.book = Book()
        self.now = T0
        self.seq = 0
        self.holds: list[Hold] = []
        self.expired_seen: dict[str, int] = {}  # lot id -> remaining once past its expiry

    def _id(self) -> str:
        self.seq += 1
        return f"tx{self.seq:06d}"

    def _try(self, work: object) -> None:
        with contextlib.suppress(DomainError):
            work()  # type: ignore[operator]

    @rule(wallet=wallets, amount=amounts, key=keys, ttl=st.integers(1, 100))
    def promo(self, wallet: str, amount: int, key: str, ttl: int) -> None:
        tx = entries.bonus(
            tx_id=self._id(),
            wallet=wallet,
            amount=amount,
            key=f"bonus:{key}:{self.seq}",
            description="promo",
            now=self.now,
            expires_at=self.now + timedelta(seconds=ttl),
        )
        self._try(lambda: self.book.post(tx))

    @rule(wallet=wallets, amount=amounts)
    def purchase(self, wallet: str, amount: int) -> None:
        tx = entries.purchase(
            tx_id=self._id(),
            wallet=wallet,
            payment_id=f"p{self.seq}",
            credits=amount,
            description="buy",
            now=self.now,
        )
        self._try(lambda: self.book.post(tx))

    @rule(wallet=wallets, amount=amounts, key=keys)
    def spend(self, wallet: str, amount: int, key: str) -> None:
        tx = entries.deduction(
            tx_id=self._id(), wallet=wallet, amount=amount, key=key, description="x", now=self.now
        )
        self._try(lambda: self.book.post(tx))

    @rule(source=wallets, to=wallets, amount=amounts, key=keys)
    def transfer(self, source: str, to: str, amount: int, key: str) -> None:
        if source == to:
            return
        tx = entries.transfer(
            tx_id=self._id(),
            source=source,
            target=to,
            amount=amount,
            key=f"t:{key}",
            description="",
            now=self.now,
        )
        self._try(lambda: self.book.post(tx))

    @rule(wallet=wallets, amount=amounts)
    def refund(self, wallet: str, amount: int) -> None:
        self._try(
            lambda: self.book.claw_back(
                tx_id=self._id(),
                wallet=wallet,
                payment_id=f"p{self.seq}",
                refund_id=f"r{self.seq}",
                credits=amount,
                description="refund",
                now=self.now,
            )
        )

    @rule(wallet=wallets, amount=st.integers(1, 20))
    def reserve(self, wallet: str, amount: int) -> None:
        hold = Hold.reserve(
            hold_id=self._id(),
            wallet=wallet,
            amount=amount,
            key=f"h{self.seq}",
            now=self.now,
            expires_at=self.now + timedelta(seconds=500),
        )
        with contextlib.suppress(DomainError):
            self.holds.append(self.book.reserve(hold))

    @rule(data=st.data())
    def capture(self, data: st.DataObject) -> None:
        open_holds = [h for h in self.holds if self.book.hold(h.id).is_open]
        if not open_holds:
            return
        hold = data.draw(st.sampled_from(open_holds))
        amount = data.draw(st.integers(1, hold.amount))
        self._try(lambda: self.book.capture(hold.id, amount, tx_id=self._id(), now=self.now))

    @rule(seconds=st.integers(0, 40))
    def tick(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    @rule()
    def expiry_run(self) -> None:
        for wallet in WALLETS:
            self.book.expire_lots(wallet, self.now)

    @invariant()
    def balances_are_sums_of_postings(self) -> None:
        assert self.book.differences() == {}

    @invariant()
    def lots_are_never_negative_and_fit_in_the_balance(self) -> None:
        for wallet in WALLETS:
            lots = self.book.lots(wallet)
            assert all(0 <= lot.remaining <= lot.amount for lot in lots)
            assert sum(lot.remaining for lot in lots) <= self.book.balance(wallet).balance

    @invariant()
    def expired_credits_are_never_spent(self) -> None:
        closed = {
            str(tx.metadata[EXPIRED_LOT]): tx
            for tx in self.book.transactions()
            if tx.type is EntryType.EXPIRY
        }
        for wallet in WALLETS:
            for lot in self.book.lots(wallet):
                if lot.expires_at > self.now:
                    continue
                before = self.expired_seen.get(lot.id)
                if before is not None and lot.remaining < before:
                    expiry = closed.get(lot.id)
                    # Holds reserved before the lot expired keep their credits (ADR 0024): what
                    # they capture afterwards may come from it, nothing else may.
                    held_then = sum(h.amount for h in self.holds if h.created_at < lot.expires_at)
                    if expiry is None:
                        assert before - lot.remaining <= held_then, lot
                    else:
                        # Its EXPIRY took the rest (floored at the available credits, the
                        # shortfall being what those holds still keep).
                        shortfall = expiry.metadata["shortfall"]
                        assert isinstance(shortfall, int)
                        assert -expiry.postings[0].amount + shortfall <= before
                        assert shortfall <= held_then
                self.expired_seen[lot.id] = lot.remaining


LotsMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestLots = LotsMachine.TestCase
