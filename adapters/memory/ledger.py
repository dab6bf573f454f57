"""The credits ledger and Idempotency-Key records in memory (a domain Book in the store)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.memory.store import MemoryState
from application.credits.ports import BalanceDifference, HistoryEntry, KeyTaken, LedgerAudit
from application.pagination import Page, PageRequest, encode_cursor
from application.ports.idempotency import IdempotencyRecord, StoredResponse
from domain.ledger.accounts import is_wallet
from domain.ledger.book import Book
from domain.ledger.entry_types import EntryType
from domain.ledger.holds import Hold
from domain.ledger.outcomes import Outcome, Posted, Rejected
from domain.ledger.transactions import LedgerTransaction
from domain.ledger.wallets import Balance


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
        for seq, tx in enumerate(self._book.transactions()):
            leg = tx.posting_for(wallet)
            if leg is None or (entry_type is not None and leg.entry_type is not entry_type):
                continue
            entries.append(
                (
                    seq,
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


class MemoryIdempotencyStore:
    def __init__(self, state: MemoryState):
        self._records: dict[tuple[str, str], IdempotencyRecord] = state.extra.setdefault(
            "idempotency", {}
        )

    async def claim(
        self, record: IdempotencyRecord, *, now: datetime, stale_before: datetime
    ) -> IdempotencyRecord | None:
        existing = self._records.get((record.scope, record.key))
        if existing is not None:
            abandoned = existing.response is None and existing.created_at < stale_before
            if existing.expires_at > now and not abandoned:
                return existing
        self._records[(record.scope, record.key)] = record
        return None

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        existing = self._records.get((scope, key))
        if existing is not None:
            self._records[(scope, key)] = _with_response(existing, response)

    async def release(self, scope: str, key: str) -> None:
        existing = self._records.get((scope, key))
        if existing is not None and existing.response is None:
            del self._records[(scope, key)]

    async def purge_expired(self, now: datetime) -> int:
        expired = [k for k, r in self._records.items() if r.expires_at <= now]
        for k in expired:
            del self._records[k]
        return len(expired)


def _with_response(record: IdempotencyRecord, response: StoredResponse) -> IdempotencyRecord:
    values: dict[str, Any] = {**record.__dict__, "response": response}
    return IdempotencyRecord(**values)
