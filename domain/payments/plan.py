"""Plans: what a customer can buy (price in paise, credits granted). Deactivated, never deleted."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from domain.errors import ValidationFailed
from domain.payments.errors import PlanNotOrderable

MAX_PLAN_AMOUNT = 10_000_000_00  # ₹1 crore in paise: far above any plan, catches unit mistakes
MAX_PLAN_CREDITS = 100_000_000


@dataclass(frozen=True)
class Plan:
    plan_id: str  # business key, e.g. "plan_starter"
    name: str
    amount: int  # paise; 0 means custom pricing (not orderable)
    currency: str
    credits: int
    description: str
    features: tuple[str, ...]
    is_active: bool
    created_at: datetime
    updated_at: datetime
    is_popular: bool = False

    def __post_init__(self) -> None:
        if not self.plan_id or len(self.plan_id) > 64:
            raise ValidationFailed("plan id must be 1..64 characters", details=[_f("planId")])
        if not self.name or len(self.name) > 100:
            raise ValidationFailed("plan name must be 1..100 characters", details=[_f("name")])
        if isinstance(self.amount, bool) or not 0 <= self.amount <= MAX_PLAN_AMOUNT:
            raise ValidationFailed("amount must be 0..1e9 paise", details=[_f("amount")])
        if isinstance(self.credits, bool) or not 0 <= self.credits <= MAX_PLAN_CREDITS:
            raise ValidationFailed("credits must be 0..1e8", details=[_f("credits")])
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValidationFailed("currency must be an ISO 4217 code", details=[_f("currency")])

    @classmethod
    def new(
        cls,
        *,
        plan_id: str,
        name: str,
        amount: int,
        credits: int,
        now: datetime,
        currency: str = "INR",
        description: str = "",
        features: tuple[str, ...] = (),
        is_popular: bool = False,
    ) -> Plan:
        """An active plan created at ``now``."""
        return cls(
            plan_id=plan_id,
            name=name,
            amount=amount,
            currency=currency,
            credits=credits,
            description=description,
            features=features,
            is_active=True,
            created_at=now,
            updated_at=now,
            is_popular=is_popular,
        )

    def ensure_orderable(self) -> None:
        """Raises ``PlanNotOrderable`` for inactive or custom-priced (amount 0) plans."""
        if not self.is_active:
            raise PlanNotOrderable(
                "this plan is no longer available", details={"planId": self.plan_id}
            )
        if self.amount <= 0 or self.credits <= 0:
            raise PlanNotOrderable(
                "custom pricing plans require manual processing", details={"planId": self.plan_id}
            )

    def deactivate(self, now: datetime) -> Plan:
        return replace(self, is_active=False, updated_at=now)


def _f(name: str) -> dict[str, str]:
    return {"field": name, "message": "invalid"}
