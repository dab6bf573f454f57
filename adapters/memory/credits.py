"""The credits ledger and Idempotency-Key records in memory (a domain Book in the store)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from adapters.memory.registry import REPOSITORIES, MemoryRepository, insert_unless_taken
from adapters.memory.store import MemoryState
from application.credits.ports import BalanceDifference, HistoryEntry, KeyTaken, LedgerAudit
from application.pagination import Page, PageRequest, encode_cursor
from domain.credits.accounts import is_wallet
from domain.credits.book import Book
from domain.credits.coupons import Coupon
from domain.credits.entry_types import EntryType
from domain.credits.holds import Hold
from domain.credits.lots import Lot
from domain.credits.outcomes import Outcome, Posted, Rejected
from domain.credits.referrals import Referral
from domain.credits.transactions import LedgerTransaction
from domain.credits.wallets import Balance


@REPOSITORIES.register("ledger")
class MemoryLedgerRepository:
    def __init__(self, state: MemoryState):
        self._book: Book = state.extra.setdefault("ledger", Book())

    async def balance(self, wallet: str) -> Balance:
        return self._book.balance(wallet)

    async def lock_balance(self, wallet: str) -> Balance:
        return self._book.balance(wallet)  # the memory unit of work is already serialised

    async def outcome(self, key: str) -> Outcome | None:
        return self._book.outcome(key)

    async def post(self, tx: LedgerTransaction) -> Posted:
        stored = self._book.outcome(tx.idempotency_key)
        if stored is not None:
            raise KeyTaken(stored)
        return self._book.post(tx)

    async def record(self, rejected: Rejected) -> None:
        if not self._book.record_rejection(rejected):
            raise KeyTaken(self._book.outcome(rejected.idempotency_key))

    async def has_initial_allocation(self, wallet: str) -> bool:
        return self._book.has_initial_allocation(wallet)

    async def history(
        self, wallet: str, entry_type: EntryType | None, page: PageRequest
    ) -> Page[HistoryEntry]:
        entries: list[tuple[int, HistoryEntry]] = []
        for tx in self._book.transactions():
            leg = tx.posting_for(wallet)
            if leg is None or (entry_type is not None and leg.entry_type is not entry_type):
                continue
            entries.append(
                (
                    self._book.sequence(tx.id, wallet),
                    HistoryEntry(
                        tx.id,
                        leg.entry_type,
                        leg.amount,
                        self._book.balance_after(tx.id, wallet),
                        tx.description,
                        tx.payment_id,
                        tx.created_at,
                    ),
                )
            )
        entries.reverse()
        after = page.after_seq()
        if after is not None:
            entries = [e for e in entries if e[0] < after[0]]
        chosen = entries[: page.limit]
        more = len(entries) > page.limit
        cursor = encode_cursor(chosen[-1][0], chosen[-1][1].id) if more and chosen else None
        return Page([e for _, e in chosen], cursor)

    async def reserve(self, hold: Hold) -> Hold:
        return self._book.reserve(hold)

    async def capture(
        self, hold_id: str, amount: int, *, tx_id: str, now: datetime, description: str
    ) -> Posted:
        return self._book.capture(hold_id, amount, tx_id=tx_id, now=now, description=description)

    async def void(self, hold_id: str, now: datetime) -> Hold:
        return self._book.void(hold_id, now)

    async def expire_due(self, now: datetime, limit: int) -> list[Hold]:
        return self._book.expire_due(now)  # no batching needed in memory

    async def lots(self, wallet: str) -> list[Lot]:
        return self._book.lots(wallet)

    async def expire_lots(self, wallet: str, now: datetime) -> list[Posted]:
        return self._book.expire_lots(wallet, now)

    async def wallets_expiring(self, before: datetime, after: str, limit: int) -> list[str]:
        wallets = [w for w in self._book.accounts() if is_wallet(w) and w > after]
        return [w for w in wallets if any(lot.is_due(before) for lot in self._book.lots(w))][:limit]

    async def audit(self) -> LedgerAudit:
        diffs = self._book.differences()
        return LedgerAudit(
            differences=[
                BalanceDifference(a, s, r) for a, (s, r) in sorted(diffs.items()) if is_wallet(a)
            ],
            postings_total=sum(p.amount for tx in self._book.transactions() for p in tx.postings),
            unbalanced_transactions=[
                tx.id for tx in self._book.transactions() if sum(p.amount for p in tx.postings)
            ],
            wallets_checked=len([a for a in self._book.accounts() if is_wallet(a)]),
        )


@REPOSITORIES.register("referrals")
class MemoryReferralRepository(MemoryRepository):
    async def code_of(self, user_id: str) -> str | None:
        return self._s.economy.codes.get(user_id)

    async def add_code(self, user_id: str, code: str, now: datetime) -> bool:
        if user_id in self._s.economy.codes or code in self._s.economy.codes.values():
            return False
        self._s.economy.codes[user_id] = code
        return True

    async def owner_of(self, code: str) -> str | None:
        return next((u for u, c in self._s.economy.codes.items() if c == code), None)

    async def get(self, referred_user_id: str, *, for_update: bool = False) -> Referral | None:
        return self._s.economy.referrals.get(referred_user_id)

    async def add(self, referral: Referral) -> bool:
        referrals = self._s.economy.referrals
        return insert_unless_taken(referrals, referral.referred_user_id, referral)

    async def save(self, referral: Referral) -> None:
        self._s.economy.referrals[referral.referred_user_id] = referral

    async def stats(self, referrer_user_id: str) -> tuple[int, int]:
        referrals = self._s.economy.referrals.values()
        mine = [r for r in referrals if r.referrer_user_id == referrer_user_id]
        return len(mine), sum(r.referrer_credits for r in mine if r.reversed_at is None)


@REPOSITORIES.register("coupons")
class MemoryCouponRepository(MemoryRepository):
    async def add(self, coupon: Coupon) -> bool:
        if any(c.code_digest == coupon.code_digest for c in self._s.economy.coupons.values()):
            return False
        self._s.economy.coupons[coupon.id] = coupon
        return True

    async def by_digest(self, code_digest: str) -> Coupon | None:
        coupons = self._s.economy.coupons.values()
        return next((c for c in coupons if c.code_digest == code_digest), None)

    async def take_redemption(self, coupon_id: str) -> bool:
        coupon = self._s.economy.coupons[coupon_id]
        if coupon.max_redemptions is not None and coupon.redeemed >= coupon.max_redemptions:
            return False
        self._s.economy.coupons[coupon_id] = replace(coupon, redeemed=coupon.redeemed + 1)
        return True

    async def record_redemption(
        self, coupon: Coupon, user_id: str, redemption_id: str, now: datetime
    ) -> bool:
        if not coupon.one_per_user:
            return True
        if (coupon.id, user_id) in self._s.economy.redemptions:
            return False
        self._s.economy.redemptions.add((coupon.id, user_id))
        return True
