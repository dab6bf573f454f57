"""Holds: two-phase spending for work whose cost is known only afterwards (AI streaming).

reserve → capture (full or partial) / void / expire. An open hold lowers the wallet's available
credits without moving its balance; capture posts a DEDUCTION of the captured amount and releases
the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from domain.credits.amounts import positive_credits
from domain.credits.errors import HoldNotOpen, InvalidAmount


class HoldStatus(StrEnum):
    OPEN = "OPEN"
    CAPTURED = "CAPTURED"
    VOIDED = "VOIDED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class Hold:
    id: str
    wallet: str
    amount: int
    idempotency_key: str
    created_at: datetime
    expires_at: datetime
    status: HoldStatus = HoldStatus.OPEN
    captured: int = 0
    closed_at: datetime | None = None

    @classmethod
    def reserve(
        cls,
        *,
        hold_id: str,
        wallet: str,
        amount: int,
        key: str,
        now: datetime,
        expires_at: datetime,
    ) -> Hold:
        amount = positive_credits(amount)
        if expires_at <= now:
            raise InvalidAmount("a hold must expire in the future", field="expiresAt")
        return cls(hold_id, wallet, amount, key, now, expires_at)

    @property
    def is_open(self) -> bool:
        return self.status is HoldStatus.OPEN

    def is_due(self, now: datetime) -> bool:
        return self.is_open and now >= self.expires_at

    def _require_open(self, now: datetime) -> None:
        if not self.is_open:
            raise HoldNotOpen(self.id, self.status.value)
        if now >= self.expires_at:
            raise HoldNotOpen(self.id, HoldStatus.EXPIRED.value)

    def capture(self, amount: int, now: datetime) -> Hold:
        """Capture ``amount`` (1..hold amount); the remainder is released."""
        self._require_open(now)
        amount = positive_credits(amount)
        if amount > self.amount:
            raise InvalidAmount(f"cannot capture more than the {self.amount} credits held")
        return replace(self, status=HoldStatus.CAPTURED, captured=amount, closed_at=now)

    def void(self, now: datetime) -> Hold:
        if not self.is_open:
            raise HoldNotOpen(self.id, self.status.value)
        return replace(self, status=HoldStatus.VOIDED, closed_at=now)

    def expire(self, now: datetime) -> Hold:
        if not self.is_due(now):
            raise HoldNotOpen(self.id, self.status.value)
        return replace(self, status=HoldStatus.EXPIRED, closed_at=now)
