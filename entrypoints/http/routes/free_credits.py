"""Free credits: phone verification by SMS/voice code, eligibility and the one-time claim."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from application.free_credits.claim_free_credits import ClaimFreeCredits
from application.free_credits.eligibility import GetFreeCreditsEligibility
from application.free_credits.send_code import SendVerificationCode
from application.free_credits.verify_code import VerifyPhoneCode
from domain.free_credits.otp import Channel
from entrypoints.http.idempotency import idempotent
from entrypoints.http.routing import ApiRoutes, Call, Handler, NoBody, NoQuery
from entrypoints.http.schemas.base import shown
from entrypoints.http.schemas.free_credits import (
    ClaimOut,
    CodeSentOut,
    EligibilityOut,
    PhoneVerifiedOut,
    SendOtpIn,
    VerifyOtpIn,
)

routes = ApiRoutes(tag="credits")

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


#: How a channel is named in its paths (``/send-otp``, ``/send-voice-otp``).
_PATH_WORD = {Channel.SMS: "", Channel.VOICE: "-voice"}


def _otp_route(
    step: Literal["send", "verify"], channel: Channel, summary: str, responses: dict[int, str]
) -> Callable[[Handler], Handler]:
    """``POST /api/v1/credits/<step>[-voice]-otp``, named ``free_credits_<step>_<channel>_otp``."""
    return routes.post(
        f"/api/v1/credits/{step}{_PATH_WORD[channel]}-otp",
        summary=summary,
        responses=responses,
        name=f"free_credits_{step}_{channel.value}_otp",
    )


def _add_send_route(channel: Channel, summary: str) -> None:
    @_otp_route("send", channel, summary, _SEND_RESPONSES)
    async def send(
        call: Call[SendOtpIn, NoQuery], send_verification_code: SendVerificationCode
    ) -> CodeSentOut:
        sent = await send_verification_code(
            user_id=call.user.user_id, phone_number=call.body.phone_number, channel=channel
        )
        return shown(CodeSentOut, sent)


def _add_verify_route(channel: Channel, summary: str) -> None:
    @_otp_route("verify", channel, summary, _VERIFY_RESPONSES)
    async def verify(
        call: Call[VerifyOtpIn, NoQuery], verify_phone_code: VerifyPhoneCode
    ) -> PhoneVerifiedOut:
        await verify_phone_code(
            user_id=call.user.user_id, channel=channel, otp=call.body.otp, context=call.context
        )
        return PhoneVerifiedOut(phone_verified=True)


_add_send_route(Channel.SMS, "Text a 6-digit code to the number (valid 5 min)")
_add_send_route(Channel.VOICE, "Call the number and read out a 6-digit code (valid 5 min)")
_add_verify_route(Channel.SMS, "Verify the code sent by SMS; 5 wrong tries burn it")
_add_verify_route(
    Channel.VOICE, "Verify the code read out by the voice call; 5 wrong tries burn it"
)


@routes.get(
    "/api/v1/credits/eligibility", summary="Whether the caller can claim the one-time free credits"
)
async def eligibility(
    call: Call[NoBody, NoQuery], free_credits_eligibility: GetFreeCreditsEligibility
) -> EligibilityOut:
    result = await free_credits_eligibility(user_id=call.user.user_id)
    return shown(
        EligibilityOut,
        result,
        can_claim_free_credits=result.can_claim,
        has_claimed_free_credits=result.has_claimed,
    )


@routes.post(
    "/api/v1/credits/claim",
    status=201,
    summary="Claim the one-time free credits (verified phone required; Idempotency-Key optional)",
    responses={
        403: "PHONE_VERIFICATION_REQUIRED",
        409: "ALREADY_CLAIMED, or DUPLICATE_REQUEST for a reused Idempotency-Key",
        429: "more than 3 claim attempts in 24 hours; see Retry-After",
    },
)
@idempotent(status=201, required=False)
async def claim(call: Call[NoBody, NoQuery], claim_free_credits: ClaimFreeCredits) -> ClaimOut:
    claimed = await claim_free_credits(user_id=call.user.user_id, context=call.context)
    return shown(ClaimOut, claimed)
