"""Ports of the credits ledger: one storage port, ``LedgerRepository``.

Every implementation of it stores what ``domain.credits.rules`` decides and nothing else: the
memory one is the domain's ``Book`` (the reference model), the SQL one asks the same rules on the
balances it has locked. ``AtomicLedger`` is not a second store but the same storage's
committed write — one posting in its own transaction — so the spend hot path can be a single
statement: ``UnitOfWorkAtomicLedger`` implements it on any ``LedgerRepository``;
``PostgresAtomicLedger`` (the only asyncpg module of the ledger) in one statement, falling back to
the former. The model-based test holds every one of them to the Book.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.pagination import Page, PageRequest
from application.ports.audit import AuditEntry
from application.ports.outbox_commands import OutboxCommand
from domain.credits.coupons import Coupon
from domain.credits.entry_types import EntryType
from domain.credits.holds import Hold
from domain.credits.lots import Lot
from domain.credits.outcomes import Outcome, Posted, Rejected
from domain.credits.referrals import Referral
from domain.credits.transactions import LedgerTransaction
from domain.credits.wallets import Balance


@dataclass(frozen=True)
class HistoryEntry:
    """A ledger entry as the wallet's owner sees it (API.md ``GET /credits/history``)."""

    id: str  # the transaction id
    type: EntryType
    amount: int  # signed
    balance_after: int
    description: str
    payment_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class BalanceDifference:
    """A wallet whose stored balance differs from the sum of its postings."""

    account: str
    stored: int
    recomputed: int


@dataclass(frozen=True)
class LedgerAudit:
    differences: list[BalanceDifference]
    postings_total: int  # Σ of every posting in the ledger; 0 when double entry holds
    unbalanced_transactions: list[str]
    wallets_checked: int


class KeyTaken(Exception):
    """The idempotency key is already used. ``outcome`` is what it holds; None = still in flight."""

    def __init__(self, outcome: Outcome | None) -> None:
        super().__init__("idempotency key already used")
        self.outcome = outcome


class LedgerRepository(Protocol):
    """The ledger's storage inside a unit of work (``uow.ledger``); never commits."""

    async def balance(self, wallet: str) -> Balance: ...

    async def lock_balance(self, wallet: str) -> Balance:
        """The balance, locked against concurrent writers until the unit of work ends."""
        ...

    async def outcome(self, key: str) -> Outcome | None: ...

    async def post(self, tx: LedgerTransaction) -> Posted:
        """Apply ``tx`` in the current transaction.

        Debits use only available credits; otherwise the refusal is recorded under the key and
        ``InsufficientCredits`` is raised. A key already used raises ``KeyTaken``; a lost race on
        a unique key raises ``TransientConflict`` (the transaction is no longer usable).
        """
        ...

    async def record(self, rejected: Rejected) -> None:
        """Remember a refusal under its key (KeyTaken if the key is used)."""
        ...

    async def has_initial_allocation(self, wallet: str) -> bool: ...

    async def history(
        self, wallet: str, entry_type: EntryType | None, page: PageRequest
    ) -> Page[HistoryEntry]:
        """The wallet's entries, newest first."""
        ...

    async def reserve(self, hold: Hold) -> Hold:
        """Hold ``hold.amount`` of the wallet's available credits.

        The same key with the same wallet and amount returns the first hold; with another input
        IdempotencyKeyReused. Not enough available credits: the refusal is recorded under the
        key and InsufficientCredits raised.
        """
        ...

    async def capture(
        self, hold_id: str, amount: int, *, tx_id: str, now: datetime, description: str
    ) -> Posted:
        """Post a DEDUCTION of ``amount`` (≤ the hold) and release the rest; replayable."""
        ...

    async def void(self, hold_id: str, now: datetime) -> Hold: ...

    async def expire_due(self, now: datetime, limit: int) -> list[Hold]:
        """Release open holds past their expiry (skipping ones another worker holds)."""
        ...

    async def audit(self) -> LedgerAudit:
        """Recompute every balance from the postings."""
        ...

    async def lots(self, wallet: str) -> list[Lot]:
        """The wallet's promotional lots with their remainders, derived from its postings."""
        ...

    async def expire_lots(self, wallet: str, now: datetime) -> list[Posted]:
        """Lock the wallet and post one EXPIRY per lot due at ``now`` (``rules.judge_expiry``).

        ``post`` does it for every debited wallet first, so no debit consumes an expired lot."""
        ...

    async def wallets_expiring(self, before: datetime, after: str, limit: int) -> list[str]:
        """Wallets (by account, after ``after``) whose next expiry — a lower bound, so some may
        have nothing left to expire — is at or before ``before``."""
        ...


@dataclass(frozen=True)
class Effects:
    """What commits with a posting and only if it posts (a replay or a refusal writes none).

    ``messages`` go to the outbox, ``audit`` to the audit log; the posting happens only while
    ``live_user`` (a transfer's receiver) is an active user (else ``RecipientNotFound``).
    Every moved user wallet's ``credits.balance_changed`` is added by the ledger itself.
    """

    messages: tuple[OutboxCommand, ...] = ()
    audit: tuple[AuditEntry, ...] = ()
    live_user: str | None = None


NO_EFFECTS = Effects()


class AtomicLedger(Protocol):
    """``LedgerRepository.post`` in its own database transaction, committed on return.

    The hot path of spending: one statement on PostgreSQL, so a wallet's row lock is held only
    inside the database. A refusal for insufficient credits is committed under the key before
    ``InsufficientCredits`` is raised.
    """

    async def post_committed(self, tx: LedgerTransaction, effects: Effects = NO_EFFECTS) -> Posted:
        """Raises KeyTaken (replay it), InsufficientCredits or TransientConflict (retry)."""
        ...


class ReferralRepository(Protocol):
    """Referral codes (one per user, unique) and referrals (one per referred user)."""

    async def code_of(self, user_id: str) -> str | None: ...

    async def add_code(self, user_id: str, code: str, now: datetime) -> bool:
        """False when the user already has a code or the code is taken."""
        ...

    async def owner_of(self, code: str) -> str | None: ...

    async def get(self, referred_user_id: str, *, for_update: bool = False) -> Referral | None:
        """``for_update`` holds the row until the transaction ends."""
        ...

    async def add(self, referral: Referral) -> bool:
        """False when the user has already claimed a code."""
        ...

    async def save(self, referral: Referral) -> None: ...

    async def stats(self, referrer_user_id: str) -> tuple[int, int]:
        """(referred users, credits earned from rewards not reversed)."""
        ...


class CouponRepository(Protocol):
    async def add(self, coupon: Coupon) -> bool:
        """False when a coupon with the same code digest exists."""
        ...

    async def by_digest(self, code_digest: str) -> Coupon | None: ...

    async def take_redemption(self, coupon_id: str) -> bool:
        """Count one redemption unless ``max_redemptions`` are taken (atomic; False then)."""
        ...

    async def record_redemption(
        self, coupon: Coupon, user_id: str, redemption_id: str, now: datetime
    ) -> bool:
        """False when ``coupon`` is one per user and the user has redeemed it."""
        ...
