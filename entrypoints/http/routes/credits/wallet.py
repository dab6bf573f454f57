"""Credits routes: balance, history, spend, admin grant (API.md "Credits")."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from application.credits.admin_grant import AdminGrant
from application.credits.ports import HistoryEntry
from application.credits.queries import GetBalance, GetHistory
from application.credits.spend import Spend, SpendResult
from application.credits.transfer import TransferResult
from application.pagination import Page
from domain.credits.entry_types import EntryType
from entrypoints.http import envelope
from entrypoints.http.idempotency import (
    REPLAYED_HEADER,
    document_key,
    idempotent,
    required_idempotency_key,
)
from entrypoints.http.routing import ApiRoutes, Auth, Call, Handler, NoBody, NoQuery
from entrypoints.http.schemas.base import shown
from entrypoints.http.schemas.credits import (
    ExpiringOut,
    GrantIn,
    GrantOut,
    HistoryEntryOut,
    HistoryQuery,
    SpendIn,
    SpendOut,
    WalletBalanceOut,
)

routes = ApiRoutes(tag="credits")
NO_STORE = {"Cache-Control": "no-store"}


@routes.get("/api/v1/credits/balance", headers=NO_STORE, summary="My credit balance")
async def balance(call: Call[NoBody, NoQuery], get_balance: GetBalance) -> WalletBalanceOut:
    b, lots = await get_balance.with_expiring(call.user.user_id)
    return shown(
        WalletBalanceOut,
        b,
        expiring=[ExpiringOut(amount=lot.remaining, expires_at=lot.expires_at) for lot in lots],
    )


def history_entry_out(e: HistoryEntry) -> HistoryEntryOut:
    return shown(HistoryEntryOut, e)


@routes.page(
    "/api/v1/credits/history",
    HistoryEntryOut,
    show=history_entry_out,
    headers=NO_STORE,
    summary="My ledger entries, newest first",
)
async def history(call: Call[NoBody, HistoryQuery], get_history: GetHistory) -> Page[HistoryEntry]:
    return await get_history(call.user.user_id, call.query.type, call.query.paging)


def moves_credits(routes: ApiRoutes, path: str, summary: str) -> Callable[[Handler], Handler]:
    """A ``POST`` that moves credits: Idempotency-Key required, ``201 {transactionId, balance}``
    (answered by ``moved``). Its ledger transaction is its idempotency record: the handler gives
    the key to the use case; semantics as for ``@idempotent``."""
    post = routes.post(path, status=201, summary=summary)
    return lambda handler: post(document_key(handler, required=True))


@moves_credits(routes, "/api/v1/credits/spend", "Spend credits (Idempotency-Key required)")
async def spend(call: Call[SpendIn, NoQuery], spend: Spend) -> SpendOut | web.Response:
    # One statement records the spend and its key (see
    # adapters/sqlalchemy/repositories/credits/fast_path.py).
    key = required_idempotency_key(call)
    body = call.body
    result = await spend(
        user_id=call.user.user_id,
        amount=body.amount,
        purpose=body.purpose,
        idempotency_key=key,
        metadata=body.metadata,
    )
    return moved(result)


def moved(result: SpendResult | TransferResult) -> SpendOut | web.Response:
    """201 ``{transactionId, balance}``; a replay says so (``Idempotent-Replayed: true``)."""
    out = SpendOut(transaction_id=result.transaction_id, balance=result.balance)
    if result.replayed:
        return envelope.success(out, status=201, headers={REPLAYED_HEADER: "true"})
    return out


@routes.post(
    "/api/v1/admin/credits/grant",
    status=201,
    auth=Auth.ADMIN,
    summary="Grant (or adjust) a user's credits; platform admins only",
)
@idempotent(status=201, required=False)
async def admin_grant(call: Call[GrantIn, NoQuery], admin_grant: AdminGrant) -> GrantOut:
    body = call.body
    result = await admin_grant(
        actor_id=call.user.user_id,
        user_ref=body.user_id,
        amount=body.amount,
        type_=EntryType(body.type),
        reason=body.reason,
        key=call.header("Idempotency-Key"),
        context=call.context,
    )
    return shown(GrantOut, result)
