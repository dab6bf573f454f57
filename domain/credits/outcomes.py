"""What a posting attempt left in the ledger: a posted transaction or a recorded rejection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.credits.entry_types import EntryType
from domain.credits.transactions import LedgerTransaction


@dataclass(frozen=True)
class PostedEntry:
    """A transaction as seen from one wallet (the contract with payments and phone)."""

    transaction_id: str
    amount: int  # signed, as posted to the wallet
    balance_after: int
    created_at: datetime


@dataclass(frozen=True)
class Posted:
    transaction: LedgerTransaction
    balances_after: Mapping[str, int]  # wallet account -> balance after this transaction

    @property
    def fingerprint(self) -> str:
        return self.transaction.fingerprint

    def entry_for(self, account: str) -> PostedEntry:
        posting = self.transaction.posting_for(account)
        if posting is None:
            raise KeyError(account)
        return PostedEntry(
            transaction_id=self.transaction.id,
            amount=posting.amount,
            balance_after=self.balances_after[account],
            created_at=self.transaction.created_at,
        )


class RejectionReason(StrEnum):
    INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS"
    NOTHING_TO_CLAW_BACK = "NOTHING_TO_CLAW_BACK"


@dataclass(frozen=True)
class Rejected:
    """A request refused for good: its key can never post later (replays get the same answer)."""

    transaction_id: str
    type: EntryType
    idempotency_key: str
    fingerprint: str
    account: str
    reason: RejectionReason
    details: Mapping[str, int] = field(default_factory=dict)
    created_at: datetime | None = None


Outcome = Posted | Rejected


@dataclass(frozen=True)
class ClawBack:
    """A refund's claw-back: ``clawed`` + ``shortfall`` = the credits the refund asked for."""

    clawed: int
    shortfall: int
    entry: PostedEntry | None  # None when nothing was available to claw back
