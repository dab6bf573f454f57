"""Plans: public reads, and the operator's create/deactivate (CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Conflict
from domain.payments.errors import PlanNotFound
from domain.payments.plan import Plan

DEFAULT_PLANS: tuple[tuple[str, str, int, int, str, tuple[str, ...], bool], ...] = (
    (
        "plan_starter",
        "Starter",
        9_900,
        100,
        "A first pack of credits to try things out",
        ("100 credits", "Never expire"),
        False,
    ),
    (
        "plan_pro",
        "Pro",
        49_900,
        600,
        "Our most popular pack: 20% bonus credits",
        ("600 credits", "20% bonus", "Never expire"),
        True,
    ),
    (
        "plan_enterprise",
        "Enterprise",
        199_900,
        3_000,
        "For large events: 50% bonus credits",
        ("3,000 credits", "50% bonus", "Priority support"),
        False,
    ),
)


def default_plans(now: datetime) -> list[Plan]:
    """The seed's three plans (also inserted by the 0003 migration)."""
    return [
        Plan.new(
            plan_id=pid,
            name=name,
            amount=amount,
            credits=credits,
            now=now,
            description=description,
            features=features,
            is_popular=popular,
        )
        for pid, name, amount, credits, description, features, popular in DEFAULT_PLANS
    ]


@dataclass(frozen=True, eq=False)
class ListPlans:
    uow: UnitOfWorkFactory[PaymentsUnitOfWork]

    async def __call__(self, *, include_inactive: bool = False) -> list[Plan]:
        async with self.uow() as uow:
            return await uow.plans.list(include_inactive=include_inactive)


@dataclass(frozen=True, eq=False)
class GetPlan:
    """An active plan (inactive ones are gone for the public)."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]

    async def __call__(self, plan_id: str) -> Plan:
        async with self.uow() as uow:
            plan = await uow.plans.get(plan_id)
        if plan is None or not plan.is_active:
            raise PlanNotFound("Plan not found", details={"planId": plan_id})
        return plan


@dataclass(frozen=True, eq=False)
class CreatePlan:
    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    clock: Clock

    async def __call__(
        self,
        *,
        plan_id: str,
        name: str,
        amount: int,
        credits: int,
        currency: str = "INR",
        description: str = "",
        features: tuple[str, ...] = (),
        is_popular: bool = False,
    ) -> Plan:
        plan = Plan.new(
            plan_id=plan_id,
            name=name,
            amount=amount,
            credits=credits,
            now=self.clock.now(),
            currency=currency,
            description=description,
            features=features,
            is_popular=is_popular,
        )
        async with self.uow() as uow:
            if not await uow.plans.add(plan):
                raise Conflict("a plan with this id or name exists", details={"planId": plan_id})
            await uow.commit()
        return plan


@dataclass(frozen=True, eq=False)
class DeactivatePlan:
    """Plans are never deleted: payments keep pointing at them."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    clock: Clock

    async def __call__(self, plan_id: str) -> Plan:
        async with self.uow() as uow:
            plan = await uow.plans.get(plan_id)
            if plan is None:
                raise PlanNotFound("Plan not found", details={"planId": plan_id})
            plan = plan.deactivate(self.clock.now())
            await uow.plans.save(plan)
            await uow.commit()
        return plan
