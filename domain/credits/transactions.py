"""Ledger transactions: append-only, double-entry (postings sum to zero), integer credits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from domain.credits.accounts import is_known_account, is_wallet
from domain.credits.entry_types import EntryType
from domain.credits.errors import InvalidTransaction

MAX_KEY_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 500


@dataclass(frozen=True)
class Posting:
    """One leg of a transaction: ``amount`` > 0 credits the account, < 0 debits it."""

    account: str
    amount: int
    entry_type: EntryType


@dataclass(frozen=True)
class LedgerTransaction:
    """A balanced set of postings, identified by an idempotency key unique across the ledger."""

    id: str
    type: EntryType
    idempotency_key: str
    fingerprint: str  # digest of the input; same key with another fingerprint is a conflict
    description: str
    postings: tuple[Posting, ...]
    created_at: datetime
    payment_id: str | None = None
    refund_id: str | None = None
    hold_id: str | None = None
    metadata: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidTransaction("transaction id required")
        if not 0 < len(self.idempotency_key) <= MAX_KEY_LENGTH:
            raise InvalidTransaction("idempotency key must be 1..255 characters")
        if len(self.description) > MAX_DESCRIPTION_LENGTH:
            raise InvalidTransaction("description too long")
        if self.created_at.tzinfo is None:
            raise InvalidTransaction("created_at must be timezone-aware")
        if len(self.postings) < 2:
            raise InvalidTransaction("a transaction needs at least two postings")
        accounts = [p.account for p in self.postings]
        if len(set(accounts)) != len(accounts):
            raise InvalidTransaction("an account may appear once per transaction")
        for p in self.postings:
            if isinstance(p.amount, bool) or not isinstance(p.amount, int) or p.amount == 0:
                raise InvalidTransaction("posting amounts are non-zero integers")
            if not is_known_account(p.account):
                raise InvalidTransaction(f"unknown account {p.account!r}")
        if sum(p.amount for p in self.postings) != 0:
            raise InvalidTransaction("postings must sum to zero")
        if not any(is_wallet(a) for a in accounts):
            raise InvalidTransaction("a transaction must move a wallet")

    def posting_for(self, account: str) -> Posting | None:
        return next((p for p in self.postings if p.account == account), None)

    def wallet_postings(self) -> tuple[Posting, ...]:
        return tuple(p for p in self.postings if is_wallet(p.account))
