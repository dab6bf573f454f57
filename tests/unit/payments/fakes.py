"""Test doubles for the payments use cases: a clock you move, and a ledger that keeps score."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entry:
    transaction_id: str
    amount: int
    balance_after: int


@dataclass(frozen=True)
class ClawBackResult:
    clawed: int
    shortfall: int


@dataclass(frozen=True)
class BalanceResult:
    balance: int
    held: int = 0
    available: int = 0


@dataclass
class FakeLedger:
    """The CreditsLedger contract: PURCHASE once per payment, claw-back floored, per refund id."""

    balances: dict[str, int] = field(default_factory=dict)
    purchases: dict[str, tuple[str, int]] = field(default_factory=dict)  # payment → (user, credits)
    claw_backs: dict[str, ClawBackResult] = field(default_factory=dict)

    async def post_purchase(
        self, uow: Any, *, user_id: str, payment_id: str, credits: int, description: str
    ) -> Entry:
        if payment_id not in self.purchases:
            self.purchases[payment_id] = (user_id, credits)
            self.balances[user_id] = self.balances.get(user_id, 0) + credits
        return Entry(f"tx-{payment_id}", credits, self.balances[user_id])

    async def claw_back_refund(
        self,
        uow: Any,
        *,
        user_id: str,
        payment_id: str,
        refund_id: str,
        credits: int,
        description: str,
    ) -> ClawBackResult:
        if refund_id not in self.claw_backs:
            available = self.balances.get(user_id, 0)
            clawed = min(credits, available)
            self.balances[user_id] = available - clawed
            self.claw_backs[refund_id] = ClawBackResult(clawed, credits - clawed)
        return self.claw_backs[refund_id]

    async def balance(self, uow: Any, user_id: str) -> BalanceResult:
        value = self.balances.get(user_id, 0)
        return BalanceResult(value, 0, value)

    def spend(self, user_id: str, amount: int) -> None:
        self.balances[user_id] -= amount
