"""The ledger's sequencing rules, stated once.

Every store asks these pure functions what a request does and then writes only what they decided:
the in-memory ``Book`` (the reference model), the SQL repository (on balances it has locked) and
the PostgreSQL spend fast path (which qualifies by ``single_wallet_debit`` and whose one-statement
condition is ``Balance.apply`` in SQL, held equal by the model-based test). The decisions:

- **idempotent outcome**: a key seen before answers with what it first produced (``replay_posted``);
- **balance after / overdraft**: a debit uses only available credits, legs judged in account order,
  the first leg that cannot be covered refuses the whole transaction (``judge_posting``);
- **holds**: same key + same input → the first hold; refused before → refused again; else reserve
  from available credits (``judge_reservation``); capture is a DEDUCTION under the hold's key
  (``judge_capture``);
- **claw-back**: a REFUND floored at the available credits, or a recorded "nothing to take";
- **sequence**: each posting of a posted transaction takes the next ledger sequence number, in the
  transaction's posting order; a refused or replayed request takes none (``sequence_postings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.credits import entries
from domain.credits.accounts import is_wallet
from domain.credits.entry_types import EntryType
from domain.credits.errors import IdempotencyKeyReused, InsufficientCredits
from domain.credits.holds import Hold
from domain.credits.idempotency import fingerprint, replay
from domain.credits.lots import EXPIRED_LOT, Lot, expiry_key
from domain.credits.outcomes import ClawBack, Outcome, Posted, Rejected, RejectionReason
from domain.credits.transactions import LedgerTransaction, Posting
from domain.credits.wallets import Balance, claw_back_split


# -- idempotent outcome ----------------------------------------------------------------------
def replay_posted(stored: Outcome, fingerprint_: str) -> Posted:
    """The answer for a posting whose key was used: the first result, or why it stays refused.

    Different input → IdempotencyKeyReused; refused for insufficient credits → InsufficientCredits
    again; a key holding a non-posting (a claw-back that found nothing) → IdempotencyKeyReused.
    """
    result = replay(stored, fingerprint_)
    if isinstance(result, Rejected):
        raise IdempotencyKeyReused(result.idempotency_key)
    return result


# -- balance after and overdraft -------------------------------------------------------------
@dataclass(frozen=True)
class Accepted:
    """The transaction posts; ``after`` is each wallet leg's balance once it has."""

    after: Mapping[str, Balance]

    def balances_after(self) -> dict[str, int]:
        return {wallet: b.balance for wallet, b in self.after.items()}


def judge_posting(tx: LedgerTransaction, balances: Mapping[str, Balance]) -> Accepted | Rejected:
    """Post ``tx`` on ``balances`` (the wallets' current, locked, balances; missing = empty)?

    Legs are judged in account order (the order stores lock them in); the first debit the
    wallet's available credits cannot cover refuses the transaction, recorded under its key.
    """
    after: dict[str, Balance] = {}
    for leg in sorted(tx.wallet_postings(), key=lambda p: p.account):
        try:
            after[leg.account] = balances.get(leg.account, Balance()).apply(leg.amount)
        except InsufficientCredits as refused:
            return insufficient(tx, leg.account, refused)
    return Accepted(after)


def insufficient(tx: LedgerTransaction, account: str, refused: InsufficientCredits) -> Rejected:
    """The refusal of ``tx`` for insufficient credits in ``account``: its key stays refused."""
    return Rejected(
        tx.id,
        tx.type,
        tx.idempotency_key,
        tx.fingerprint,
        account,
        RejectionReason.INSUFFICIENT_CREDITS,
        refused.figures(),
        tx.created_at,
    )


@dataclass(frozen=True)
class SimpleDebit:
    """A debit of one wallet to one system account: what the one-statement spend can post."""

    wallet: str
    amount: int  # > 0, the credits taken
    system: str


def single_wallet_debit(tx: LedgerTransaction) -> SimpleDebit | None:
    """``tx`` as a simple debit (DEDUCTION, EXPIRY...), or None when it is anything else."""
    if len(tx.postings) != 2:
        return None
    debit, credit = sorted(tx.postings, key=lambda p: p.amount)
    if not (is_wallet(debit.account) and debit.amount < 0 and not is_wallet(credit.account)):
        return None
    return SimpleDebit(debit.account, -debit.amount, credit.account)


@dataclass(frozen=True)
class WalletTransfer:
    """A debit of one wallet credited to another: what the one-statement transfer can post."""

    source: str
    target: str
    amount: int  # > 0


def wallet_transfer(tx: LedgerTransaction) -> WalletTransfer | None:
    """``tx`` as a wallet-to-wallet transfer (sender leg first), or None."""
    if len(tx.postings) != 2:
        return None
    out, into = tx.postings
    if not (is_wallet(out.account) and is_wallet(into.account) and out.amount < 0):
        return None
    return WalletTransfer(out.account, into.account, into.amount)


# -- lots -------------------------------------------------------------------------------------
def judge_expiry(
    lot: Lot, wallet: str, available: int, *, tx_id: str, now: datetime
) -> LedgerTransaction | None:
    """The EXPIRY closing ``lot``: its remainder, floored at the wallet's available credits (an
    open hold keeps what it reserved before the lot expired; the rest is the ``shortfall``).
    None when the holds reserve all of it: the lot stays due until they close."""
    taken = min(lot.remaining, available)
    if taken <= 0:
        return None
    return entries.expiry(
        tx_id=tx_id,
        wallet=wallet,
        amount=taken,
        key=expiry_key(lot.id),
        description="Promotional credits expired",
        now=now,
        metadata={EXPIRED_LOT: lot.id, "shortfall": lot.remaining - taken},
    )


# -- sequence --------------------------------------------------------------------------------
def sequence_postings(tx: LedgerTransaction, last: int) -> list[tuple[int, Posting]]:
    """The sequence numbers of ``tx``'s postings when the ledger's last one is ``last``.

    SQL stores get them from ``ledger_postings.id`` (inserted in this same order).
    """
    return [(last + i, p) for i, p in enumerate(tx.postings, start=1)]


# -- holds -----------------------------------------------------------------------------------
def hold_fingerprint(hold: Hold) -> str:
    return fingerprint(type="HOLD", wallet=hold.wallet, amount=hold.amount)


@dataclass(frozen=True)
class Reservation:
    """The hold to answer with; ``held_after`` is set when it is new (the wallet's new balance)."""

    hold: Hold
    held_after: Balance | None = None

    @property
    def is_new(self) -> bool:
        return self.held_after is not None


def judge_reservation(
    hold: Hold, balance: Balance, known: Hold | None, stored: Outcome | None
) -> Reservation | Rejected:
    """Reserve ``hold`` given the hold already under its key and the key's ledger outcome."""
    fp = hold_fingerprint(hold)
    if known is not None:
        if hold_fingerprint(known) != fp:
            raise IdempotencyKeyReused(hold.idempotency_key)
        return Reservation(known)
    if stored is not None:  # a reservation refused before stays refused
        replay(stored, fp)
        raise IdempotencyKeyReused(hold.idempotency_key)
    try:
        return Reservation(hold, balance.reserve(hold.amount))
    except InsufficientCredits as refused:
        return Rejected(
            hold.id,
            EntryType.DEDUCTION,
            hold.idempotency_key,
            fp,
            hold.wallet,
            RejectionReason.INSUFFICIENT_CREDITS,
            refused.figures(),
            hold.created_at,
        )


def capture_fingerprint(hold: Hold, amount: int, description: str) -> str:
    return entries.deduction_fingerprint(
        wallet=hold.wallet, amount=amount, description=description, metadata={}, hold_id=hold.id
    )


def judge_capture(
    hold: Hold, amount: int, *, tx_id: str, now: datetime, description: str
) -> tuple[Hold, LedgerTransaction]:
    """The captured hold and its DEDUCTION (posted once the whole hold is released)."""
    captured = hold.capture(amount, now)
    tx = entries.deduction(
        tx_id=tx_id,
        wallet=hold.wallet,
        amount=amount,
        key=entries.hold_capture_key(hold.id),
        description=description,
        now=now,
        hold_id=hold.id,
    )
    return captured, tx


# -- claw-back -------------------------------------------------------------------------------
def judge_claw_back(
    claim: entries.RefundClaim, *, tx_id: str, now: datetime, available: int
) -> LedgerTransaction | Rejected:
    """A REFUND of what ``available`` covers, or the recorded refusal when it covers nothing."""
    clawed, shortfall = claw_back_split(claim.requested, available)
    if clawed == 0:
        return Rejected(
            tx_id,
            EntryType.REFUND,
            claim.key,
            claim.fingerprint,
            claim.wallet,
            RejectionReason.NOTHING_TO_CLAW_BACK,
            {"requested": claim.requested, "shortfall": shortfall},
            now,
        )
    return claim.refund(tx_id=tx_id, now=now, clawed=clawed)


def clawback_of(outcome: Posted | Rejected, wallet: str) -> ClawBack:
    """A claw-back's answer from what its key holds."""
    if isinstance(outcome, Rejected):
        return ClawBack(0, outcome.details.get("shortfall", 0), None)
    entry = outcome.entry_for(wallet)
    shortfall = outcome.transaction.metadata.get("shortfall", 0)
    return ClawBack(-entry.amount, shortfall if isinstance(shortfall, int) else 0, entry)
