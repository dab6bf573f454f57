"""Check a code the user received; success marks their phone number verified."""

from __future__ import annotations

from dataclasses import dataclass

from application.account.activity import activity_writer
from application.free_credits.notifications import phone_verified, phone_verified_email
from application.free_credits.unit_of_work import FreeCreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.account.activity import Action
from domain.free_credits.errors import OtpRejected
from domain.free_credits.otp import Channel, OtpHasher
from domain.free_credits.policy import DEFAULT_POLICY, VerificationPolicy
from domain.free_credits.verification import VerifyOutcome
from domain.request_context import NO_REQUEST, RequestContext

_REJECTIONS = {
    VerifyOutcome.INCORRECT: "incorrect code",
    VerifyOutcome.BURNED: "too many wrong codes; request a new one",
    VerifyOutcome.NO_ACTIVE_CODE: "code expired or not found; request a new one",
}


@dataclass(frozen=True)
class VerifyPhoneCode:
    """Verifies the caller's code on one channel.

    Every counted attempt is committed before a rejection is reported, so a wrong code always uses
    up one of the five tries and one of the hourly verification calls.
    """

    _uow: UnitOfWorkFactory[FreeCreditsUnitOfWork]
    _hasher: OtpHasher
    _clock: Clock
    _policy: VerificationPolicy = DEFAULT_POLICY

    async def __call__(
        self, *, user_id: str, channel: Channel, otp: str, context: RequestContext = NO_REQUEST
    ) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            repo = uow.phone_verifications
            state = await repo.get_for_update(user_id)
            result = state.verify(channel, otp, self._hasher, now, self._policy)
            await repo.save(result.state)
            if result.outcome is VerifyOutcome.VERIFIED and result.state.verified_phone:
                await repo.release_lock(result.state.verified_phone, user_id)
                await activity_writer(uow, user_id, now, context).record(
                    Action.PHONE_VERIFIED, phone=result.state.verified_phone.masked
                )
                await uow.outbox.add(phone_verified(user_id, result.state.verified_phone))
                user = await uow.users.get(user_id)
                email = user and phone_verified_email(user, result.state.verified_phone)
                if email:
                    await uow.outbox.add(email)
            await uow.commit()
        if result.outcome is not VerifyOutcome.VERIFIED:
            raise OtpRejected(
                _REJECTIONS[result.outcome],
                reason=result.outcome.value,
                attempts_remaining=result.attempts_remaining,
            )
