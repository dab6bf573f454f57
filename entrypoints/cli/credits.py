"""``fairarena credits grant|balance`` and ``fairarena ledger verify``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from application.credits.verify_ledger import is_clean
from domain.credits.entry_types import EntryType
from domain.errors import DomainError

T = TypeVar("T")


def _run(work: Callable[[Any], Awaitable[T]]) -> T:
    from entrypoints import runtime
    from entrypoints.cli.settings import load_settings

    async def main() -> T:
        container = runtime.build_container(load_settings())
        stop = await runtime.start(container)
        try:
            return await work(container)
        finally:
            await stop()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc


@click.group()
def credits() -> None:
    """Credits wallets."""


@credits.command(context_settings={"ignore_unknown_options": True})  # "-5" is an amount
@click.argument("user_id")
@click.argument("amount", type=int)
@click.option("--reason", required=True, help="Why; shown in the user's history.")
@click.option(
    "--type",
    "type_",
    type=click.Choice(["BONUS", "ADJUSTMENT"]),
    default=None,
    help="Default: BONUS for a positive amount, ADJUSTMENT for a negative one.",
)
@click.option("--key", default=None, help="Idempotency key: re-running with it grants once.")
def grant(user_id: str, amount: int, reason: str, type_: str | None, key: str | None) -> None:
    """Grant AMOUNT credits to USER_ID (platform id or identity-provider subject).

    A negative AMOUNT (an ADJUSTMENT) never takes the wallet below zero.
    """
    kind = EntryType(type_ or ("BONUS" if amount > 0 else "ADJUSTMENT"))
    result = _run(
        lambda c: c.credits.admin_grant()(
            actor_id=None, user_ref=user_id, amount=amount, type_=kind, reason=reason, key=key
        )
    )
    click.echo(
        json.dumps(
            {
                "userId": result.user_id,
                "transactionId": result.transaction_id,
                "amount": result.amount,
                "balance": result.balance,
            }
        )
    )


@credits.command()
@click.argument("user")
def balance(user: str) -> None:
    """Print USER's balance, held and available credits.

    USER is a platform user id, an e-mail address or an identity-provider subject.
    """
    uid, bal = _run(lambda c: c.credits.user_balance()(user))
    click.echo(
        json.dumps(
            {"userId": uid, "balance": bal.balance, "held": bal.held, "available": bal.available}
        )
    )


@click.group()
def ledger() -> None:
    """The credits ledger itself."""


@ledger.command()
def verify() -> None:
    """Recompute every balance from the postings; exit 1 on any difference."""
    audit = _run(lambda c: c.credits.verify_ledger()())
    for d in audit.differences:
        click.echo(f"DIFFERENCE {d.account}: stored {d.stored}, postings say {d.recomputed}")
    for tx_id in audit.unbalanced_transactions:
        click.echo(f"UNBALANCED transaction {tx_id}")
    if audit.postings_total != 0:
        click.echo(f"Σ postings across the ledger is {audit.postings_total}, expected 0")
    if not is_clean(audit):
        raise SystemExit(1)
    click.echo(f"ledger ok: {_count(audit.wallets_checked, 'wallet')}, Σ postings = 0")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
