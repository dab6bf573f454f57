"""Send a verification code to a phone number by SMS or voice call."""

from __future__ import annotations

from dataclasses import dataclass

from application.free_credits.messages import sms_text, voice_script
from application.free_credits.unit_of_work import FreeCreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.messaging import MessageDeliveryFailed, SmsSender
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.free_credits.code_issuance import CodeIssued, issue_code
from domain.free_credits.errors import OtpDeliveryFailed, PhoneNumberLocked
from domain.free_credits.otp import Channel, OtpHasher, generate_otp
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.policy import DEFAULT_POLICY, VerificationPolicy


@dataclass(frozen=True)
class CodeSent:
    expires_in: int  # seconds the code stays valid
    resend_after: int  # seconds before another code may be sent on this channel


@dataclass(frozen=True)
class SendVerificationCode:
    """Issues a code for the caller's number and delivers it on the chosen channel.

    The code exists in clear only in this call's memory: the transaction stores its keyed hash,
    commits, and the code is then handed to the SMS/voice provider (never inside the transaction,
    never queued). If the provider fails, a second transaction withdraws the code, gives the send
    quota back and restores the number's lock, and the caller gets SERVICE_UNAVAILABLE.
    """

    _uow: UnitOfWorkFactory[FreeCreditsUnitOfWork]
    _sender: SmsSender
    _hasher: OtpHasher
    _clock: Clock
    _policy: VerificationPolicy = DEFAULT_POLICY

    async def __call__(self, *, user_id: str, phone_number: str, channel: Channel) -> CodeSent:
        phone = PhoneNumber.parse(phone_number)
        code = generate_otp()
        code_hash = self._hasher.digest(code, user_id=user_id, channel=channel, phone=phone)
        now = self._clock.now()
        async with self._uow() as uow:
            repo = uow.phone_verifications
            state = await repo.get_for_update(user_id)
            previous_lock = await repo.lock_of(phone)
            issued = issue_code(
                state,
                previous_lock,
                channel=channel,
                phone=phone,
                code_hash=code_hash,
                verified_owner_id=await repo.verified_owner(phone),
                now=now,
                policy=self._policy,
            )
            if not await repo.swap_lock(phone, expected=previous_lock, new=issued.lock):
                raise PhoneNumberLocked("this phone number is being verified by another account")
            await repo.save(issued.state)
            await uow.commit()
        try:
            await self._deliver(channel, phone, code)
        except MessageDeliveryFailed as failure:
            await self._withdraw(issued, previous_lock)
            raise OtpDeliveryFailed(
                f"could not deliver the code by {channel.value}; try again shortly"
            ) from failure
        return CodeSent(
            expires_in=int(self._policy.otp_ttl.total_seconds()),
            resend_after=int(self._policy.resend_interval.total_seconds()),
        )

    async def _deliver(self, channel: Channel, phone: PhoneNumber, code: str) -> None:
        if channel is Channel.SMS:
            await self._sender.send_sms(phone.value, sms_text(code, self._policy.otp_ttl))
        else:
            await self._sender.place_voice_call(phone.value, voice_script(code))

    async def _withdraw(self, issued: CodeIssued, previous_lock: PhoneLock | None) -> None:
        async with self._uow() as uow:
            repo = uow.phone_verifications
            state = await repo.get_for_update(issued.state.user_id)
            await repo.save(state.without_send(issued.otp.channel, issued.otp.issued_at))
            # Compare-and-set: if the lock changed since (a newer send), it is left alone.
            await repo.swap_lock(issued.lock.phone, expected=issued.lock, new=previous_lock)
            await uow.commit()
