"""The whole ledger in memory: the reference model of every invariant.

Used by the property-based tests and by the in-memory repository. Storage adapters must behave the
same way (the database re-enforces the same rules with constraints and conditional updates).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from domain.credits import entries
from domain.credits.entry_types import EntryType
from domain.credits.errors import (
    AlreadyClaimed,
    HoldNotFound,
    IdempotencyKeyReused,
    InsufficientCredits,
    InvalidTransaction,
)
from domain.credits.holds import Hold
from domain.credits.idempotency import fingerprint, replay
from domain.credits.outcomes import ClawBack, Outcome, Posted, Rejected, RejectionReason
from domain.credits.transactions import LedgerTransaction
from domain.credits.wallets import Balance, claw_back_split


class Book:
    def __init__(self) -> None:
        self._totals: dict[str, int] = {}  # every account, wallets and system
        self._held: dict[str, int] = {}
        self._transactions: list[LedgerTransaction] = []
        self._by_key: dict[str, Outcome] = {}
        self._balance_after: dict[tuple[str, str], int] = {}
        self._purchases: dict[str, str] = {}  # payment id -> transaction id
        self._initial: set[str] = set()
        self._holds: dict[str, Hold] = {}
        self._hold_keys: dict[str, tuple[str, str]] = {}  # key -> (fingerprint, hold id)

    # -- reads -------------------------------------------------------------------------------
    def balance(self, wallet: str) -> Balance:
        return Balance(self._totals.get(wallet, 0), self._held.get(wallet, 0))

    def account_total(self, account: str) -> int:
        return self._totals.get(account, 0)

    def accounts(self) -> list[str]:
        return sorted(self._totals)

    def transactions(self) -> Iterator[LedgerTransaction]:
        return iter(self._transactions)

    def outcome(self, key: str) -> Outcome | None:
        return self._by_key.get(key)

    def balance_after(self, tx_id: str, wallet: str) -> int:
        return self._balance_after[(tx_id, wallet)]

    def hold(self, hold_id: str) -> Hold:
        try:
            return self._holds[hold_id]
        except KeyError:
            raise HoldNotFound(hold_id) from None

    def holds(self) -> list[Hold]:
        return list(self._holds.values())

    def has_initial_allocation(self, wallet: str) -> bool:
        return wallet in self._initial

    # -- posting -----------------------------------------------------------------------------
    def post(self, tx: LedgerTransaction) -> Posted:
        """Post ``tx`` or replay the outcome of its key; a refused debit is remembered for good."""
        if tx.type is EntryType.INITIAL_ALLOCATION:
            wallet = tx.wallet_postings()[0].account
            if wallet in self._initial:
                raise AlreadyClaimed()
        stored = self._by_key.get(tx.idempotency_key)
        if stored is not None:
            result = replay(stored, tx.fingerprint)
            if isinstance(result, Rejected):  # a claw-back's "nothing to take" is not a posting
                raise IdempotencyKeyReused(tx.idempotency_key)
            return result
        if tx.type is EntryType.PURCHASE:
            if not tx.payment_id:
                raise InvalidTransaction("a purchase names its payment")
            if tx.payment_id in self._purchases:
                raise IdempotencyKeyReused(tx.idempotency_key)
        after: dict[str, Balance] = {}
        for p in tx.wallet_postings():
            try:
                after[p.account] = self.balance(p.account).apply(p.amount)
            except InsufficientCredits as exc:
                self._by_key[tx.idempotency_key] = Rejected(
                    tx.id,
                    tx.type,
                    tx.idempotency_key,
                    tx.fingerprint,
                    p.account,
                    RejectionReason.INSUFFICIENT_CREDITS,
                    exc.figures(),
                    tx.created_at,
                )
                raise
        for p in tx.postings:
            self._totals[p.account] = self._totals.get(p.account, 0) + p.amount
        for wallet, bal in after.items():
            self._balance_after[(tx.id, wallet)] = bal.balance
        posted = Posted(tx, {w: b.balance for w, b in after.items()})
        self._transactions.append(tx)
        self._by_key[tx.idempotency_key] = posted
        if tx.type is EntryType.PURCHASE and tx.payment_id:
            self._purchases[tx.payment_id] = tx.id
        if tx.type is EntryType.INITIAL_ALLOCATION:
            self._initial.add(tx.wallet_postings()[0].account)
        return posted

    def claw_back(
        self,
        *,
        tx_id: str,
        wallet: str,
        payment_id: str,
        refund_id: str,
        credits: int,
        description: str,
        now: datetime,
    ) -> ClawBack:
        """REFUND debit floored at the available credits; idempotent per refund id."""
        key = entries.refund_key(refund_id)
        fp = entries.refund_fingerprint(
            wallet=wallet, payment_id=payment_id, refund_id=refund_id, requested=credits
        )
        stored = self._by_key.get(key)
        if stored is None:
            clawed, _ = claw_back_split(credits, self.balance(wallet).available)
            if clawed == 0:
                stored = Rejected(
                    tx_id,
                    EntryType.REFUND,
                    key,
                    fp,
                    wallet,
                    RejectionReason.NOTHING_TO_CLAW_BACK,
                    {"requested": credits, "shortfall": credits},
                    now,
                )
                self._by_key[key] = stored
            else:
                stored = self.post(
                    entries.refund(
                        tx_id=tx_id,
                        wallet=wallet,
                        payment_id=payment_id,
                        refund_id=refund_id,
                        clawed=clawed,
                        requested=credits,
                        description=description,
                        now=now,
                    )
                )
        return clawback_of(replay(stored, fp), wallet)

    def record_rejection(self, rejected: Rejected) -> bool:
        """Remember a refusal under its key; False if the key is already used."""
        if rejected.idempotency_key in self._by_key:
            return False
        self._by_key[rejected.idempotency_key] = rejected
        return True

    # -- holds -------------------------------------------------------------------------------
    def reserve(self, hold: Hold) -> Hold:
        fp = hold_fingerprint(hold)
        known = self._hold_keys.get(hold.idempotency_key)
        if known is not None:
            if known[0] != fp:
                raise IdempotencyKeyReused(hold.idempotency_key)
            return self._holds[known[1]]
        stored = self._by_key.get(hold.idempotency_key)
        if stored is not None:  # a reservation refused before stays refused
            replay(stored, fp)
            raise IdempotencyKeyReused(hold.idempotency_key)
        try:
            reserved = self.balance(hold.wallet).reserve(hold.amount)
        except InsufficientCredits as exc:
            self._by_key[hold.idempotency_key] = Rejected(
                hold.id,
                EntryType.DEDUCTION,
                hold.idempotency_key,
                fp,
                hold.wallet,
                RejectionReason.INSUFFICIENT_CREDITS,
                exc.figures(),
                hold.created_at,
            )
            raise
        self._held[hold.wallet] = reserved.held
        self._holds[hold.id] = hold
        self._hold_keys[hold.idempotency_key] = (fp, hold.id)
        return hold

    def capture(
        self, hold_id: str, amount: int, *, tx_id: str, now: datetime, description: str = ""
    ) -> Posted:
        """Capture part or all of an open hold: one DEDUCTION, the rest released."""
        hold = self.hold(hold_id)
        key = entries.hold_capture_key(hold_id)
        stored = self._by_key.get(key)
        if stored is not None:
            fp = entries.deduction_fingerprint(
                wallet=hold.wallet,
                amount=amount,
                description=description,
                metadata={},
                hold_id=hold_id,
            )
            result = replay(stored, fp)
            assert isinstance(result, Posted)
            return result
        captured = hold.capture(amount, now)
        # Release first: the reserved credits are exactly what the deduction may now use.
        self._release(hold)
        try:
            posted = self.post(
                entries.deduction(
                    tx_id=tx_id,
                    wallet=hold.wallet,
                    amount=amount,
                    key=key,
                    description=description,
                    now=now,
                    hold_id=hold_id,
                )
            )
        except Exception:
            self._held[hold.wallet] = self._held.get(hold.wallet, 0) + hold.amount
            raise
        self._holds[hold_id] = captured
        return posted

    def void(self, hold_id: str, now: datetime) -> Hold:
        hold = self.hold(hold_id)
        voided = hold.void(now)
        self._release(hold)
        self._holds[hold_id] = voided
        return voided

    def expire_due(self, now: datetime) -> list[Hold]:
        expired = []
        for hold in list(self._holds.values()):
            if hold.is_due(now):
                self._release(hold)
                self._holds[hold.id] = hold.expire(now)
                expired.append(self._holds[hold.id])
        return expired

    def _release(self, hold: Hold) -> None:
        self._held[hold.wallet] = self.balance(hold.wallet).release(hold.amount).held

    # -- audit -------------------------------------------------------------------------------
    def differences(self) -> dict[str, tuple[int, int]]:
        """Accounts whose running total differs from Σ postings: account -> (stored, recomputed)."""
        recomputed: dict[str, int] = {}
        for tx in self._transactions:
            for p in tx.postings:
                recomputed[p.account] = recomputed.get(p.account, 0) + p.amount
        return {
            a: (self._totals.get(a, 0), recomputed.get(a, 0))
            for a in set(recomputed) | set(self._totals)
            if self._totals.get(a, 0) != recomputed.get(a, 0)
        }


def hold_fingerprint(hold: Hold) -> str:
    return fingerprint(type="HOLD", wallet=hold.wallet, amount=hold.amount)


def clawback_of(outcome: Posted | Rejected, wallet: str) -> ClawBack:
    if isinstance(outcome, Rejected):
        return ClawBack(0, outcome.details.get("shortfall", 0), None)
    entry = outcome.entry_for(wallet)
    shortfall = outcome.transaction.metadata.get("shortfall", 0)
    return ClawBack(-entry.amount, shortfall if isinstance(shortfall, int) else 0, entry)
