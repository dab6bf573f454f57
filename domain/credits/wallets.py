"""Wallet rules: a wallet's available credits (balance - open holds) never go below zero."""

from __future__ import annotations

from dataclasses import dataclass

from domain.credits.errors import InsufficientCredits


@dataclass(frozen=True)
class Balance:
    """A wallet's balance; ``held`` is the sum of its open holds."""

    balance: int = 0
    held: int = 0

    @property
    def available(self) -> int:
        return self.balance - self.held

    def insufficient(self, required: int) -> InsufficientCredits:
        return InsufficientCredits(
            balance=self.balance, available=self.available, required=required
        )

    def apply(self, amount: int) -> Balance:
        """Post ``amount``; a debit may use only available credits."""
        if amount < 0 and self.available + amount < 0:
            raise self.insufficient(-amount)
        return Balance(self.balance + amount, self.held)

    def reserve(self, amount: int) -> Balance:
        if amount > self.available:
            raise self.insufficient(amount)
        return Balance(self.balance, self.held + amount)

    def release(self, amount: int) -> Balance:
        if amount > self.held:
            raise ValueError("cannot release more than is held")
        return Balance(self.balance, self.held - amount)


def claw_back_split(requested: int, available: int) -> tuple[int, int]:
    """(clawed, shortfall) of a refund claw-back floored at the available credits."""
    clawed = max(0, min(requested, available))
    return clawed, requested - clawed
