"""The credits economy (API.md "Credits economy"): transfers and organization wallets."""

from __future__ import annotations

import functools

from aiohttp import web

from application.credits.organization_wallet import (
    OrganizationBalance,
    OrganizationHistory,
    SpendFromOrganization,
)
from application.credits.ports import HistoryEntry
from application.credits.transfer import TransferCredits
from application.pagination import Page
from entrypoints.http.idempotency import required_idempotency_key
from entrypoints.http.routes.credits.wallet import (
    NO_STORE,
    history_entry_out,
    moved,
    moves_credits,
)
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.base import shown
from entrypoints.http.schemas.credits import (
    BalanceOut,
    HistoryEntryOut,
    HistoryQuery,
    OrganizationTransferIn,
    SpendIn,
    SpendOut,
    ToUser,
    TransferIn,
)

routes = ApiRoutes(tag="credits")
ORG_WALLET = "/api/v1/organization/{orgId}/credits"


@moves_credits(
    routes,
    "/api/v1/credits/transfer",
    "Transfer credits to a user or to an organization I belong to (Idempotency-Key required)",
)
async def transfer(
    call: Call[TransferIn, NoQuery], transfer: TransferCredits
) -> SpendOut | web.Response:
    key, body = required_idempotency_key(call), call.body
    receiver = body.to.receiver
    send = (
        functools.partial(transfer.to_user, receiver_id=receiver.user_id)
        if isinstance(receiver, ToUser)
        else functools.partial(transfer.to_organization, organization_ref=receiver.organization_ref)
    )
    result = await send(
        user_id=call.user.user_id,
        amount=body.amount,
        note=body.note,
        idempotency_key=key,
        context=call.context,
    )
    return moved(result)


@routes.get(ORG_WALLET, headers=NO_STORE, summary="The organization's credits; org:billing:manage")
async def organization_balance(
    call: Call[NoBody, NoQuery], organization_balance: OrganizationBalance
) -> BalanceOut:
    b = await organization_balance(call.user.user_id, call.path["orgId"])
    return shown(BalanceOut, b)


@routes.page(
    f"{ORG_WALLET}/history",
    HistoryEntryOut,
    show=history_entry_out,
    headers=NO_STORE,
    summary="The organization wallet's ledger entries, newest first; org:billing:manage",
)
async def organization_history(
    call: Call[NoBody, HistoryQuery], organization_history: OrganizationHistory
) -> Page[HistoryEntry]:
    q = call.query
    return await organization_history(call.user.user_id, call.path["orgId"], q.type, q.paging)


@moves_credits(
    routes,
    f"{ORG_WALLET}/spend",
    "Spend the organization's credits; org:billing:manage (Idempotency-Key required)",
)
async def organization_spend(
    call: Call[SpendIn, NoQuery], spend_from_organization: SpendFromOrganization
) -> SpendOut | web.Response:
    body = call.body
    result = await spend_from_organization(
        user_id=call.user.user_id,
        organization_ref=call.path["orgId"],
        amount=body.amount,
        purpose=body.purpose,
        idempotency_key=required_idempotency_key(call),
        metadata=body.metadata,
        context=call.context,
    )
    return moved(result)


@moves_credits(
    routes,
    f"{ORG_WALLET}/transfer",
    "Transfer the organization's credits to one of its members; org:billing:manage "
    "(Idempotency-Key required)",
)
async def organization_transfer(
    call: Call[OrganizationTransferIn, NoQuery], transfer: TransferCredits
) -> SpendOut | web.Response:
    body = call.body
    result = await transfer.from_organization(
        user_id=call.user.user_id,
        organization_ref=call.path["orgId"],
        receiver_id=body.to.user_id,
        amount=body.amount,
        note=body.note,
        idempotency_key=required_idempotency_key(call),
        context=call.context,
    )
    return moved(result)
