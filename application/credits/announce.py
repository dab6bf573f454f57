"""Every change of a user's wallet is announced to their realtime connections, after its commit.

``announce_balance`` adds a ``credits.balance_changed`` event to the outbox of the unit of work
that made the change, with the wallet's figures as of that transaction: it is published only if
the change commits, and a crash after the commit still publishes it (the relay runs the row).
The PostgreSQL spend fast path writes the same row inside its one statement
(``adapters/sqlalchemy/repositories/credits/fast_path.py``, ``balance_event`` is the shape).
"""

from __future__ import annotations

from typing import Any

from application.credits.unit_of_work import LedgerUnitOfWork
from application.ports.outbox_commands import PublishRealtime
from domain.credits.accounts import wallet_owner
from domain.credits.wallets import Balance
from domain.realtime.events import BALANCE_CHANGED


def balance_event(balance: Balance, transaction_id: str | None, **extra: str) -> dict[str, Any]:
    """API.md "Realtime": ``{balance, held, available, transactionId}`` (holds add ``holdId``)."""
    return {
        "balance": balance.balance,
        "held": balance.held,
        "available": balance.available,
        "transactionId": transaction_id,
        **extra,
    }


async def announce_balance(
    uow: LedgerUnitOfWork, wallet: str, transaction_id: str | None, **extra: str
) -> None:
    """Queue the wallet owner's ``credits.balance_changed`` in ``uow`` (nothing for org wallets)."""
    user_id = wallet_owner(wallet)
    if user_id is None:
        return
    balance = await uow.ledger.balance(wallet)
    event = balance_event(balance, transaction_id, **extra)
    await uow.outbox.add(PublishRealtime(user_id, BALANCE_CHANGED, event))
