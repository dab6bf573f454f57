"""Free credits: phone verification by SMS/voice code, eligibility and the one-time claim."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.free_credits.claim_free_credits import ClaimFreeCredits
from application.free_credits.eligibility import GetFreeCreditsEligibility
from application.free_credits.send_code import SendVerificationCode
from application.free_credits.verify_code import VerifyPhoneCode
from application.idempotency import IdempotentRequests
from domain.free_credits.otp import Channel
from entrypoints.http.idempotency import idempotent
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.base import shown
from entrypoints.http.schemas.free_credits import (
    ClaimOut,
    CodeSentOut,
    EligibilityOut,
    PhoneVerifiedOut,
    SendOtpIn,
    VerifyOtpIn,
)


@dataclass(frozen=True)
class FreeCreditsUseCases:
    """What these handlers run (built by the context's container)."""

    claim_free_credits: Callable[[], ClaimFreeCredits]
    free_credits_eligibility: Callable[[], GetFreeCreditsEligibility]
    send_verification_code: Callable[[], SendVerificationCode]
    verify_phone_code: Callable[[], VerifyPhoneCode]
    idempotency: Callable[[], IdempotentRequests]


routes = ApiRoutes(tag="credits", uses=FreeCreditsUseCases)

_SEND_RESPONSES = {
    409: "number verified by, or being verified by, another account; or already verified",
    429: "send quota (3 per 24 h per channel) or 2-minute spacing; see Retry-After",
    503: "the SMS/voice provider failed; the code was withdrawn and the quota given back",
}
_VERIFY_RESPONSES = {
    400: "wrong, expired or burned code (details[0].reason, attemptsRemaining)",
    409: "phone already verified",
    429: "more than 10 verification attempts in an hour; see Retry-After",
}


async def _send(
    call: Call[SendOtpIn, NoQuery], uc: FreeCreditsUseCases, channel: Channel
) -> CodeSentOut:
    send = uc.send_verification_code()
    sent = await send(
        user_id=call.user.user_id, phone_number=call.body.phone_number, channel=channel
    )
    return CodeSentOut(expires_in=sent.expires_in, resend_after=sent.resend_after)


async def _verify(
    call: Call[VerifyOtpIn, NoQuery], uc: FreeCreditsUseCases, channel: Channel
) -> PhoneVerifiedOut:
    verify = uc.verify_phone_code()
    await verify(
        user_id=call.user.user_id, channel=channel, otp=call.body.otp, context=call.context
    )
    return PhoneVerifiedOut(phone_verified=True)


@routes.post(
    "/api/v1/credits/send-otp",
    body=SendOtpIn,
    response=CodeSentOut,
    summary="Text a 6-digit code to the number (valid 5 min)",
    responses=_SEND_RESPONSES,
)
async def send_sms_otp(call: Call[SendOtpIn, NoQuery], uc: FreeCreditsUseCases) -> CodeSentOut:
    return await _send(call, uc, Channel.SMS)


@routes.post(
    "/api/v1/credits/send-voice-otp",
    body=SendOtpIn,
    response=CodeSentOut,
    summary="Call the number and read out a 6-digit code (valid 5 min)",
    responses=_SEND_RESPONSES,
)
async def send_voice_otp(call: Call[SendOtpIn, NoQuery], uc: FreeCreditsUseCases) -> CodeSentOut:
    return await _send(call, uc, Channel.VOICE)


@routes.post(
    "/api/v1/credits/verify-otp",
    body=VerifyOtpIn,
    response=PhoneVerifiedOut,
    summary="Verify the code sent by SMS; 5 wrong tries burn it",
    responses=_VERIFY_RESPONSES,
)
async def verify_sms_otp(
    call: Call[VerifyOtpIn, NoQuery], uc: FreeCreditsUseCases
) -> PhoneVerifiedOut:
    return await _verify(call, uc, Channel.SMS)


@routes.post(
    "/api/v1/credits/verify-voice-otp",
    body=VerifyOtpIn,
    response=PhoneVerifiedOut,
    summary="Verify the code read out by the voice call; 5 wrong tries burn it",
    responses=_VERIFY_RESPONSES,
)
async def verify_voice_otp(
    call: Call[VerifyOtpIn, NoQuery], uc: FreeCreditsUseCases
) -> PhoneVerifiedOut:
    return await _verify(call, uc, Channel.VOICE)


@routes.get(
    "/api/v1/credits/eligibility",
    response=EligibilityOut,
    summary="Whether the caller can claim the one-time free credits",
)
async def eligibility(call: Call[NoBody, NoQuery], uc: FreeCreditsUseCases) -> EligibilityOut:
    result = await uc.free_credits_eligibility()(user_id=call.user.user_id)
    return EligibilityOut(
        can_claim_free_credits=result.can_claim,
        has_claimed_free_credits=result.has_claimed,
        phone_verified=result.phone_verified,
        has_phone_number=result.has_phone_number,
    )


@routes.post(
    "/api/v1/credits/claim",
    response=ClaimOut,
    status=201,
    summary="Claim the one-time free credits (verified phone required; Idempotency-Key optional)",
    responses={
        403: "PHONE_VERIFICATION_REQUIRED",
        409: "ALREADY_CLAIMED, or DUPLICATE_REQUEST for a reused Idempotency-Key",
        429: "more than 3 claim attempts in 24 hours; see Retry-After",
    },
)
@idempotent(status=201, required=False)
async def claim(call: Call[NoBody, NoQuery], uc: FreeCreditsUseCases) -> ClaimOut:
    claimed = await uc.claim_free_credits()(user_id=call.user.user_id, context=call.context)
    return shown(ClaimOut, claimed)
