"""Credit lots: promotional credits expire; the per-lot remainders are derived from the postings.

A lot is a wallet posting of promotional credits (INITIAL_ALLOCATION, BONUS — referral and coupon
rewards are BONUS) whose transaction carries ``metadata.expiresAt``. Purchased, transferred and
adjusted credits are not lots: they never expire. Nothing about lots is stored beside the ledger
but the wallet's ``expiring_at`` (a lower bound of its next expiry, which lets the one-statement
spend know that nothing in the wallet has expired): ``derive_lots`` replays the wallet's postings,
in ledger order, with these rules —

- a debit (DEDUCTION, hold capture, TRANSFER_OUT, negative ADJUSTMENT) consumes the open lots
  that expire first, then credits that never expire;
- a REFUND claw-back takes back what was bought first (credits that never expire), then lots;
- an EXPIRY (``metadata.lot``) closes its lot: it took what the wallet's available credits
  allowed, and any rest (``metadata.shortfall``) stayed with the open holds that had reserved it
  before the lot expired.

Every store expires a wallet's due lots (``due``/``expiry``) before it debits the wallet, so no
debit ever consumes a lot past its expiry; balance == Σ postings is untouched by any of this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.credits.entry_types import EntryType

LOT_EXPIRES = "expiresAt"  # metadata key of a lot's expiry (ISO 8601)
EXPIRED_LOT = "lot"  # metadata key of the lot an EXPIRY closes
PROMOTIONAL = frozenset({EntryType.INITIAL_ALLOCATION, EntryType.BONUS})


@dataclass(frozen=True)
class WalletPosting:
    """One posting of a wallet as the derivation needs it, in ledger order."""

    transaction_id: str
    type: EntryType
    amount: int  # signed
    metadata: Mapping[str, object]


@dataclass
class Lot:
    id: str  # the transaction that granted it
    amount: int
    remaining: int
    expires_at: datetime

    def is_due(self, now: datetime) -> bool:
        return self.remaining > 0 and self.expires_at <= now


def lot_expiry(metadata: Mapping[str, object]) -> datetime | None:
    value = metadata.get(LOT_EXPIRES)
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def derive_lots(postings: Iterable[WalletPosting]) -> list[Lot]:
    """Every lot of the wallet with what remains of it, in grant order."""
    lots: list[Lot] = []
    by_id: dict[str, Lot] = {}
    balance = 0
    for p in postings:
        if p.amount > 0:
            expires = lot_expiry(p.metadata) if p.type in PROMOTIONAL else None
            if expires is not None:
                lot = Lot(p.transaction_id, p.amount, p.amount, expires)
                lots.append(lot)
                by_id[lot.id] = lot
        elif p.type is EntryType.EXPIRY:
            closed = by_id.get(str(p.metadata.get(EXPIRED_LOT)))
            if closed is not None:
                closed.remaining = 0
        else:
            _consume(lots, -p.amount, balance, permanent_first=p.type is EntryType.REFUND)
        balance += p.amount
    return lots


def _consume(lots: list[Lot], amount: int, balance: int, *, permanent_first: bool) -> None:
    open_lots = sorted((lot for lot in lots if lot.remaining > 0), key=lambda lot: lot.expires_at)
    if permanent_first:
        permanent = balance - sum(lot.remaining for lot in open_lots)
        amount -= min(amount, max(permanent, 0))
    for lot in open_lots:  # sorted() is stable: equal expiries in grant order
        if amount <= 0:
            break
        taken = min(lot.remaining, amount)
        lot.remaining -= taken
        amount -= taken


def open_lots(lots: Iterable[Lot]) -> list[Lot]:
    """Lots with credits left, the first to expire first."""
    return sorted((lot for lot in lots if lot.remaining > 0), key=lambda lot: lot.expires_at)


def next_expiry(lots: Iterable[Lot]) -> datetime | None:
    """The wallet's ``expiring_at``: when its first open lot expires (None: nothing expires)."""
    first = open_lots(lots)
    return first[0].expires_at if first else None


def due(lots: Iterable[Lot], now: datetime) -> list[Lot]:
    return [lot for lot in open_lots(lots) if lot.is_due(now)]


def expiry_key(lot_id: str) -> str:
    """One EXPIRY per lot, whichever store or job runs it first."""
    return f"expiry:{lot_id}"
