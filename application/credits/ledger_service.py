"""The credits ledger as other contexts use it, inside *their* unit of work.

Payments post a PURCHASE in the same transaction that marks the payment COMPLETED; the phone
context grants the INITIAL_ALLOCATION with the claim. Nothing here commits: the caller does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.credits.announce import announce_balance
from application.credits.ports import KeyTaken
from application.credits.unit_of_work import LedgerUnitOfWork
from application.ports.clock import Clock
from application.transient import TransientConflict
from domain.credits import entries
from domain.credits.accounts import user_wallet
from domain.credits.entry_types import EntryType
from domain.credits.errors import AlreadyClaimed
from domain.credits.holds import Hold
from domain.credits.idempotency import caller_key, replay
from domain.credits.outcomes import ClawBack, Posted, PostedEntry, Rejected
from domain.credits.rules import clawback_of, judge_claw_back, replay_posted
from domain.credits.transactions import LedgerTransaction
from domain.credits.wallets import Balance
from domain.ids import new_id

GRANT_TYPES = (EntryType.BONUS, EntryType.ADJUSTMENT)


@dataclass(frozen=True)
class PostResult:
    """A transaction as posted now, or as its key first posted it (``replayed``)."""

    posted: Posted
    replayed: bool


DEFAULT_PROMO_TTL = timedelta(days=365)  # PROMO_CREDITS_TTL_DAYS


@dataclass(frozen=True, eq=False)
class CreditsLedger:
    clock: Clock
    promo_ttl: timedelta = DEFAULT_PROMO_TTL

    def promo_expiry(self) -> datetime:
        """When promotional credits granted now expire (a lot: domain/credits/lots.py)."""
        return self.clock.now() + self.promo_ttl

    async def post_purchase(
        self,
        uow: LedgerUnitOfWork,
        *,
        user_id: str,
        payment_id: str,
        credits: int,
        description: str,
    ) -> PostedEntry:
        """PURCHASE; idempotent per payment id (a second call returns the existing entry)."""
        wallet = user_wallet(user_id)
        tx = entries.purchase(
            tx_id=new_id(),
            wallet=wallet,
            payment_id=payment_id,
            credits=credits,
            description=description,
            now=self.clock.now(),
        )
        return (await self._post(uow, tx)).entry_for(wallet)

    async def claw_back_refund(
        self,
        uow: LedgerUnitOfWork,
        *,
        user_id: str,
        payment_id: str,
        refund_id: str,
        credits: int,
        description: str,
    ) -> ClawBack:
        """REFUND debit floored at the available balance, the shortfall recorded; per refund id."""
        wallet = user_wallet(user_id)
        claim = entries.RefundClaim(wallet, payment_id, refund_id, credits, description)
        stored = await uow.ledger.outcome(claim.key)
        if stored is not None:
            return clawback_of(replay(stored, claim.fingerprint), wallet)
        await uow.ledger.expire_lots(wallet, self.clock.now())
        balance = await uow.ledger.lock_balance(wallet)
        decided = judge_claw_back(
            claim, tx_id=new_id(), now=self.clock.now(), available=balance.available
        )
        if isinstance(decided, Rejected):
            await self._record(uow, decided)
            return clawback_of(decided, wallet)
        return clawback_of(await self._post(uow, decided), wallet)

    async def grant_initial_allocation(
        self, uow: LedgerUnitOfWork, *, user_id: str, amount: int, description: str
    ) -> PostedEntry:
        """INITIAL_ALLOCATION; AlreadyClaimed (409 ALREADY_CLAIMED) if the wallet has one."""
        wallet = user_wallet(user_id)
        if await uow.ledger.has_initial_allocation(wallet):
            raise AlreadyClaimed()
        tx = entries.initial_allocation(
            tx_id=new_id(),
            wallet=wallet,
            amount=amount,
            description=description,
            now=self.clock.now(),
            expires_at=self.promo_expiry(),
        )
        try:
            posted = await uow.ledger.post(tx)
        except KeyTaken:  # a concurrent claim won the race
            raise AlreadyClaimed() from None
        await _announce(uow, posted)
        return posted.entry_for(wallet)

    async def balance(self, uow: LedgerUnitOfWork, user_id: str) -> Balance:
        return await uow.ledger.balance(user_wallet(user_id))

    async def grant(
        self,
        uow: LedgerUnitOfWork,
        *,
        user_id: str,
        amount: int,
        type_: EntryType,
        key: str,
        reason: str,
        metadata: Mapping[str, object] | None = None,
    ) -> PostedEntry:
        """BONUS or ADJUSTMENT (which may be negative, never below zero available)."""
        wallet = user_wallet(user_id)
        if type_ not in GRANT_TYPES:
            raise ValueError(f"cannot grant {type_}")
        keyed = entries.bonus if type_ is EntryType.BONUS else entries.adjustment
        tx = keyed(
            tx_id=new_id(),
            wallet=wallet,
            amount=amount,
            key=key,
            description=reason,
            now=self.clock.now(),
            metadata=metadata or {},
            expires_at=self.promo_expiry() if keyed.lots else None,  # promotional: a lot
        )
        return (await self._post(uow, tx)).entry_for(wallet)

    async def reserve_hold(
        self, uow: LedgerUnitOfWork, *, user_id: str, amount: int, key: str, ttl: timedelta
    ) -> Hold:
        """Hold credits for work whose cost is known afterwards (AI streaming); per-caller key."""
        now = self.clock.now()
        hold = Hold.reserve(
            hold_id=new_id(),
            wallet=user_wallet(user_id),
            amount=amount,
            key=caller_key("hold", user_id, key),
            now=now,
            expires_at=now + ttl,
        )
        reserved = await uow.ledger.reserve(hold)
        await announce_balance(uow, reserved.wallet, None, holdId=reserved.id)
        return reserved

    async def capture_hold(
        self, uow: LedgerUnitOfWork, *, hold_id: str, amount: int, description: str
    ) -> PostedEntry:
        """DEDUCTION of the actual cost (≤ the hold); the rest is released. Replayable."""
        posted = await uow.ledger.capture(
            hold_id, amount, tx_id=new_id(), now=self.clock.now(), description=description
        )
        await _announce(uow, posted, holdId=hold_id)
        return posted.entry_for(posted.transaction.wallet_postings()[0].account)

    async def void_hold(self, uow: LedgerUnitOfWork, *, hold_id: str) -> Hold:
        hold = await uow.ledger.void(hold_id, self.clock.now())
        await announce_balance(uow, hold.wallet, None, holdId=hold.id)
        return hold

    async def _post(self, uow: LedgerUnitOfWork, tx: LedgerTransaction) -> Posted:
        return (await self.post(uow, tx)).posted

    async def post(self, uow: LedgerUnitOfWork, tx: LedgerTransaction) -> PostResult:
        """Post ``tx`` in ``uow`` (its wallets hear their new figures after the commit), or
        replay what its key first did (``replayed``, nothing announced)."""
        stored = await uow.ledger.outcome(tx.idempotency_key)
        if stored is None:
            try:
                posted = await uow.ledger.post(tx)
            except KeyTaken as taken:
                if taken.outcome is None:
                    raise TransientConflict("idempotency key in flight") from None
                stored = taken.outcome
            else:
                await _announce(uow, posted)
                return PostResult(posted, replayed=False)
        return PostResult(replay_posted(stored, tx.fingerprint), replayed=True)

    async def _record(self, uow: LedgerUnitOfWork, rejected: Rejected) -> None:
        try:
            await uow.ledger.record(rejected)
        except KeyTaken:
            raise TransientConflict("idempotency key taken concurrently") from None


async def _announce(uow: LedgerUnitOfWork, posted: Posted, **extra: str) -> None:
    """Every wallet the posting moved hears its new figures (after the caller's commit)."""
    for posting in posted.transaction.wallet_postings():
        await announce_balance(uow, posting.account, posted.transaction.id, **extra)
