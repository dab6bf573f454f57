"""Spend credits (POST /credits/spend): a DEDUCTION, idempotent by the caller's key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from application.credits.ports import AtomicLedger, KeyTaken
from application.ports.clock import Clock
from application.transient import retry_transient
from domain.credits import entries
from domain.credits.accounts import user_wallet
from domain.credits.errors import InsufficientCredits
from domain.credits.idempotency import caller_key
from domain.credits.rules import replay_posted
from domain.errors import DuplicateRequest
from domain.ids import new_id


@dataclass(frozen=True)
class SpendResult:
    transaction_id: str
    balance: int
    replayed: bool


class ReplayedInsufficientCredits(InsufficientCredits):
    """The key was refused for insufficient credits before; it stays refused (and says so)."""

    def headers(self) -> Mapping[str, str]:
        return {"Idempotent-Replayed": "true"}  # entrypoints/http/idempotency.REPLAYED_HEADER


def spend_key(user_id: str, idempotency_key: str) -> str:
    """Keys are scoped per caller: two users may use the same Idempotency-Key."""
    return caller_key("spend", user_id, idempotency_key)


@dataclass(frozen=True, eq=False)
class Spend:
    """Deduct ``amount`` from the caller's wallet, exactly once per Idempotency-Key.

    Same key + same input → the original result (``replayed``); same key + another input, or
    the first request still in flight → DuplicateRequest; a key refused for insufficient credits
    is refused again. The ledger transaction is the idempotency record, so the effect and the
    stored answer commit together in one statement.
    """

    ledger: AtomicLedger
    clock: Clock

    async def __call__(
        self,
        *,
        user_id: str,
        amount: int,
        purpose: str,
        idempotency_key: str,
        metadata: Mapping[str, object] | None = None,
    ) -> SpendResult:
        wallet = user_wallet(user_id)
        tx = entries.deduction(
            tx_id=new_id(),
            wallet=wallet,
            amount=amount,
            key=spend_key(user_id, idempotency_key),
            description=purpose,
            now=self.clock.now(),
            metadata=metadata or {},
        )

        async def attempt() -> SpendResult:
            try:
                posted = await self.ledger.post_committed(tx)
            except KeyTaken as taken:
                if taken.outcome is None:
                    raise DuplicateRequest(
                        "A request with this Idempotency-Key is still in progress"
                    ) from None
                try:
                    result = replay_posted(taken.outcome, tx.fingerprint)
                except InsufficientCredits as refused:
                    raise ReplayedInsufficientCredits(
                        balance=refused.balance,
                        available=refused.available,
                        required=refused.required,
                    ) from None
                return SpendResult(result.transaction.id, result.balances_after[wallet], True)
            return SpendResult(tx.id, posted.balances_after[wallet], False)

        return await retry_transient(attempt)
