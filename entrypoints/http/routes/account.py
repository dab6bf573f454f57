"""Account security and lifecycle (API.md "Account security and lifecycle", ``/account-settings``).

The step-up token rides in ``X-Verification-Token`` or the HttpOnly, SameSite=Strict cookie that
``verify-otp`` sets; the use cases that need it check it first (403 VERIFICATION_REQUIRED).
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel

from application.account.activity import ListActivity
from application.account.export import DownloadExport, RequestExport
from application.account.lifecycle import DeleteAccount, RecoverAccount
from application.account.step_up import SendStepUpCode, StepUpStatus, VerifyStepUpCode
from application.pagination import Page
from domain.account.activity import ActivityEntry
from domain.errors import AuthenticationFailed
from entrypoints.config import Settings
from entrypoints.http.guards import bearer_token
from entrypoints.http.routing import (
    ApiRoutes,
    Auth,
    Call,
    NoBody,
    NoQuery,
    Reply,
    refuse_non_json,
)
from entrypoints.http.schemas.account import (
    ActivityOut,
    DeletedAccountOut,
    ExportLinkQuery,
    ExportOut,
    RecoveredOut,
    StepUpCodeSentOut,
    VerificationOut,
    VerificationStatusOut,
    VerifyCodeIn,
)
from entrypoints.http.schemas.base import PageQuery, shown

BASE = "/api/v1/account-settings"
VERIFICATION_HEADER = "X-Verification-Token"
VERIFICATION_COOKIE = "account-settings-token"
B = TypeVar("B", bound=BaseModel)
Q = TypeVar("Q", bound=BaseModel)
STEP_UP = {403: "VERIFICATION_REQUIRED: verify with send-otp / verify-otp first"}


routes = ApiRoutes(tag="account")


def verification_of(call: Call[B, Q]) -> str | None:
    """The step-up token of the request: the header, else the cookie."""
    return call.header(VERIFICATION_HEADER) or call.request.cookies.get(VERIFICATION_COOKIE)


def _cookie(token: str, max_age: int, *, secure: bool) -> str:
    """The step-up cookie; ``Secure`` in production (served over HTTPS only)."""
    jar: SimpleCookie = SimpleCookie()
    jar[VERIFICATION_COOKIE] = token
    morsel = jar[VERIFICATION_COOKIE]
    morsel["httponly"] = True
    morsel["samesite"] = "Strict"
    morsel["path"] = BASE
    morsel["max-age"] = str(max_age)
    if secure:
        morsel["secure"] = True
    return morsel.OutputString()


@routes.post(
    f"{BASE}/send-otp",
    summary="E-mail a 6-digit step-up code (60 s cooldown, 5 per 30 min)",
    responses={429: "RATE_LIMITED (Retry-After)"},
)
async def send_otp(
    call: Call[NoBody, NoQuery], send_step_up_code: SendStepUpCode
) -> StepUpCodeSentOut:
    issued = await send_step_up_code(call.user, call.context)
    return StepUpCodeSentOut(sent=True, expires_at=issued.expires_at)


@routes.post(
    f"{BASE}/verify-otp",
    response=VerificationOut,
    summary="Exchange the code for a 15-minute verification token (also set as a cookie)",
    responses={429: "RATE_LIMITED: 5 wrong codes lock verification for 30 minutes"},
)
async def verify_otp(
    call: Call[VerifyCodeIn, NoQuery], verify_step_up_code: VerifyStepUpCode, settings: Settings
) -> Reply:
    issued = await verify_step_up_code(call.user, call.body.otp, call.context)
    body = shown(VerificationOut, issued, verification_token=issued.token)
    cookie = _cookie(issued.token, issued.expires_in, secure=settings.is_production)
    return Reply(body, headers={"Set-Cookie": cookie})


@routes.get(f"{BASE}/status", summary="Whether step-up is verified now")
async def status(
    call: Call[NoBody, NoQuery], step_up_status: StepUpStatus
) -> VerificationStatusOut:
    token = await step_up_status(call.user, verification_of(call))
    return VerificationStatusOut(
        verified=token is not None, expires_at=token.expires_at if token else None
    )


def _activity_out(entry: ActivityEntry) -> ActivityOut:
    return shown(
        ActivityOut,
        entry,
        level=entry.level.value,
        metadata=dict(entry.metadata),
        ip=entry.context.ip,
        user_agent=entry.context.user_agent,
    )


@routes.page(
    f"{BASE}/logs",
    ActivityOut,
    show=_activity_out,
    summary="My security and activity log, newest first (step-up)",
    responses=STEP_UP,
)
async def logs(call: Call[NoBody, PageQuery], list_activity: ListActivity) -> Page[ActivityEntry]:
    return await list_activity(call.user, verification_of(call), call.query.paging, call.context)


@routes.post(
    f"{BASE}/export-data",
    status=202,
    summary="Export everything held about me (step-up; once per 24 h)",
    responses={**STEP_UP, 429: "RATE_LIMITED: one export per 24 hours (Retry-After)"},
)
async def export_data(call: Call[NoBody, NoQuery], request_export: RequestExport) -> ExportOut:
    export = await request_export(call.user, verification_of(call), call.context)
    return shown(ExportOut, export, status=export.status.value)


@routes.get(
    f"{BASE}/exports/{{exportId}}",
    raw=True,
    summary="Download my export (the signed link from the e-mail; the owner only)",
    responses={404: "NOT_FOUND", 403: "FORBIDDEN: bad signature", 410: "GONE: expired"},
)
async def download_export(
    call: Call[NoBody, ExportLinkQuery], download_export: DownloadExport
) -> web.StreamResponse:
    export, chunks = await download_export(
        call.user, call.path["exportId"], call.query.expires, call.query.signature, call.context
    )
    response = web.StreamResponse(
        headers={
            "Content-Type": "application/json",
            "Content-Disposition": (
                f'attachment; filename="fairarena-data-export-{export.id}.json"'
            ),
            "Cache-Control": "no-store",
        }
    )
    await response.prepare(call.request)
    async for chunk in chunks:
        await response.write(chunk)
    await response.write_eof()
    return response


@routes.delete(
    f"{BASE}/account",
    response=DeletedAccountOut,
    summary="Delete my account (step-up; 90 days to recover)",
    responses={**STEP_UP, 409: "CONFLICT: the only Owner of organizations (listed)"},
)
async def delete_account(
    call: Call[NoBody, NoQuery], delete_account: DeleteAccount, settings: Settings
) -> Reply:
    recover_by = await delete_account(call.user, verification_of(call), call.context)
    expired = _cookie("", 0, secure=settings.is_production)
    return Reply(
        DeletedAccountOut(deleted=True, recover_by=recover_by), headers={"Set-Cookie": expired}
    )


@routes.post(
    f"{BASE}/recover",
    auth=Auth.NONE,  # a deleted account has no principal: the token is verified by the use case
    summary="Recover my deleted account within 90 days (the same identity)",
    responses={401: "AUTH_REQUIRED", 409: "CONFLICT: not deleted", 410: "GONE: erased"},
)
async def recover(call: Call[NoBody, NoQuery], recover_account: RecoverAccount) -> RecoveredOut:
    token = bearer_token(call.request)
    if token is None:
        raise AuthenticationFailed("Authentication required")
    if "Authorization" not in call.request.headers:  # the session cookie: ADR 0009, as the guard
        refuse_non_json(call.request, even_without_body=True)
    user = await recover_account(token, call.context)
    return RecoveredOut(recovered=True, user_id=user.id)
