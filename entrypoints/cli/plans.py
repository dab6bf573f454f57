"""``fairarena plans list|create|deactivate``: plans are data, managed by operators."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from domain.errors import DomainError
from domain.payments.plan import Plan

T = TypeVar("T")


def _run(action: Callable[[Any], Awaitable[T]]) -> T:
    from entrypoints import runtime
    from entrypoints.cli.settings import load_settings

    container = runtime.build_container(load_settings())

    async def go() -> T:
        stop = await runtime.start(container)
        try:
            return await action(container.payments)
        finally:
            await stop()

    try:
        return asyncio.run(go())
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


def _line(plan: Plan) -> str:
    state = "active" if plan.is_active else "inactive"
    return (
        f"{plan.plan_id:<20} {plan.name:<20} {plan.amount / 100:>10.2f} {plan.currency} "
        f"{plan.credits:>8} credits  {state}"
    )


@click.group()
def plans() -> None:
    """List, create and deactivate plans (never deleted)."""


@plans.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="Include deactivated plans.")
def list_plans(include_inactive: bool) -> None:
    """Plans by price."""
    for plan in _run(lambda uc: uc.list_plans()(include_inactive=include_inactive)):
        click.echo(_line(plan))


@plans.command("create")
@click.argument("plan_id")
@click.option("--name", required=True)
@click.option("--amount", required=True, type=click.IntRange(min=1), help="Price in paise.")
@click.option("--credits", "credits_", required=True, type=click.IntRange(min=1))
@click.option("--currency", default="INR", show_default=True)
@click.option("--description", default="")
@click.option("--feature", "features", multiple=True, help="Repeat for each feature line.")
@click.option("--popular", is_flag=True)
def create_plan(
    plan_id: str,
    name: str,
    amount: int,
    credits_: int,
    currency: str,
    description: str,
    features: tuple[str, ...],
    popular: bool,
) -> None:
    """Add an active plan."""
    plan = _run(
        lambda uc: uc.create_plan()(
            plan_id=plan_id,
            name=name,
            amount=amount,
            credits=credits_,
            currency=currency,
            description=description,
            features=features,
            is_popular=popular,
        )
    )
    click.echo(_line(plan))


@plans.command("deactivate")
@click.argument("plan_id")
def deactivate_plan(plan_id: str) -> None:
    """Stop selling a plan; existing payments keep it."""
    click.echo(_line(_run(lambda uc: uc.deactivate_plan()(plan_id))))
