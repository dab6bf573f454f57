"""The whole ledger in memory: the reference model of every invariant.

The Book keeps state and asks ``domain.credits.rules`` every decision, as the SQL repository and
the PostgreSQL fast path do; it is what the property tests explore and what the model-based test
(tests/integration/credits/test_sql_matches_the_reference_model.py) holds every store to.
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
    InvalidTransaction,
)
from domain.credits.holds import Hold
from domain.credits.idempotency import insufficient_from, replay
from domain.credits.lots import Lot, WalletPosting, derive_lots, due
from domain.credits.outcomes import ClawBack, Outcome, Posted, Rejected
from domain.credits.rules import (
    capture_fingerprint,
    clawback_of,
    judge_capture,
    judge_claw_back,
    judge_expiry,
    judge_posting,
    judge_reservation,
    replay_posted,
    sequence_postings,
)
from domain.credits.transactions import LedgerTransaction
from domain.credits.wallets import Balance
from domain.ids import new_id


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
        self._hold_keys: dict[str, str] = {}  # key -> hold id
        self._sequence: dict[tuple[str, str], int] = {}  # (transaction, account) -> sequence
        self._last_sequence = 0

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

    def sequence(self, tx_id: str, account: str) -> int:
        """The ledger sequence number of ``tx_id``'s posting to ``account`` (as SQL numbers it)."""
        return self._sequence[(tx_id, account)]

    def hold(self, hold_id: str) -> Hold:
        try:
            return self._holds[hold_id]
        except KeyError:
            raise HoldNotFound(hold_id) from None

    def holds(self) -> list[Hold]:
        return list(self._holds.values())

    def has_initial_allocation(self, wallet: str) -> bool:
        return wallet in self._initial

    def wallet_postings(self, wallet: str) -> list[WalletPosting]:
        """The wallet's postings in ledger order (what its lots are derived from)."""
        found = []
        for tx in self._transactions:
            leg = tx.posting_for(wallet)
            if leg is not None:
                found.append(WalletPosting(tx.id, leg.entry_type, leg.amount, tx.metadata))
        return found

    def lots(self, wallet: str) -> list[Lot]:
        return derive_lots(self.wallet_postings(wallet))

    # -- expiry ------------------------------------------------------------------------------
    def expire_lots(self, wallet: str, now: datetime) -> list[Posted]:
        """Post an EXPIRY for each of the wallet's lots due at ``now`` (each lot once)."""
        posted = []
        for lot in due(self.lots(wallet), now):
            tx = judge_expiry(lot, wallet, self.balance(wallet).available, tx_id=new_id(), now=now)
            if tx is not None and tx.idempotency_key not in self._by_key:
                posted.append(self._post(tx))
        return posted

    # -- posting -----------------------------------------------------------------------------
    def post(self, tx: LedgerTransaction) -> Posted:
        """Post ``tx`` or replay the outcome of its key; a refused debit is remembered for good.

        A debited wallet's due lots expire first: no debit consumes a lot past its expiry."""
        return self._post(tx, expire_first=True)

    def _post(self, tx: LedgerTransaction, *, expire_first: bool = False) -> Posted:
        if tx.type is EntryType.INITIAL_ALLOCATION:
            wallet = tx.wallet_postings()[0].account
            if wallet in self._initial:
                raise AlreadyClaimed()
        stored = self._by_key.get(tx.idempotency_key)
        if stored is not None:
            return replay_posted(stored, tx.fingerprint)
        if tx.type is EntryType.PURCHASE:
            if not tx.payment_id:
                raise InvalidTransaction("a purchase names its payment")
            if tx.payment_id in self._purchases:
                raise IdempotencyKeyReused(tx.idempotency_key)
        if expire_first:
            for leg in tx.wallet_postings():
                if leg.amount < 0:
                    self.expire_lots(leg.account, tx.created_at)
        verdict = judge_posting(
            tx, {p.account: self.balance(p.account) for p in tx.wallet_postings()}
        )
        if isinstance(verdict, Rejected):
            self._by_key[tx.idempotency_key] = verdict
            raise insufficient_from(verdict)
        for seq, p in sequence_postings(tx, self._last_sequence):
            self._totals[p.account] = self._totals.get(p.account, 0) + p.amount
            self._sequence[(tx.id, p.account)] = seq
            self._last_sequence = seq
        posted = Posted(tx, verdict.balances_after())
        for wallet, balance in posted.balances_after.items():
            self._balance_after[(tx.id, wallet)] = balance
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
        claim = entries.RefundClaim(wallet, payment_id, refund_id, credits, description)
        stored = self._by_key.get(claim.key)
        if stored is None:
            self.expire_lots(wallet, now)
            decided = judge_claw_back(
                claim, tx_id=tx_id, now=now, available=self.balance(wallet).available
            )
            if isinstance(decided, Rejected):
                self._by_key[claim.key] = stored = decided
            else:
                stored = self.post(decided)
        return clawback_of(replay(stored, claim.fingerprint), wallet)

    def record_rejection(self, rejected: Rejected) -> bool:
        """Remember a refusal under its key; False if the key is already used."""
        if rejected.idempotency_key in self._by_key:
            return False
        self._by_key[rejected.idempotency_key] = rejected
        return True

    # -- holds -------------------------------------------------------------------------------
    def reserve(self, hold: Hold) -> Hold:
        known = self._hold_keys.get(hold.idempotency_key)
        if known is None and hold.idempotency_key not in self._by_key:
            self.expire_lots(hold.wallet, hold.created_at)
        verdict = judge_reservation(
            hold,
            self.balance(hold.wallet),
            self._holds[known] if known is not None else None,
            self._by_key.get(hold.idempotency_key),
        )
        if isinstance(verdict, Rejected):
            self._by_key[hold.idempotency_key] = verdict
            raise insufficient_from(verdict)
        if verdict.held_after is not None:
            self._held[hold.wallet] = verdict.held_after.held
            self._holds[hold.id] = hold
            self._hold_keys[hold.idempotency_key] = hold.id
        return verdict.hold

    def capture(
        self, hold_id: str, amount: int, *, tx_id: str, now: datetime, description: str = ""
    ) -> Posted:
        """Capture part or all of an open hold: one DEDUCTION, the rest released."""
        hold = self.hold(hold_id)
        stored = self._by_key.get(entries.hold_capture_key(hold_id))
        if stored is not None:
            return replay_posted(stored, capture_fingerprint(hold, amount, description))
        captured, deduction = judge_capture(
            hold, amount, tx_id=tx_id, now=now, description=description
        )
        # Lots due now expire while the hold still keeps what it reserved; then release: the
        # reserved credits are exactly what the deduction may now use.
        self.expire_lots(hold.wallet, now)
        self._release(hold)
        try:
            posted = self._post(deduction)
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
