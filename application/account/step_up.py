"""Step-up verification: send a code, verify it for a short-lived token, require that token.

Counting is the ``AttemptLimiter``'s (the ``limits`` library): the cooldown and send limit before a
code is made; every verification attempt is counted *before* the comparison, so concurrent guesses
cannot exceed the limit; the fifth wrong code starts a 30-minute lockout; a right code clears the
count. The code itself lives only as a keyed digest; its plaintext travels to the e-mail job sealed
(ADR 0100).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.account.activity import activity_writer
from application.account.guard import StepUpGuard
from application.account.owner_mail import mail_owner
from application.account.unit_of_work import AccountUnitOfWork
from application.identity.principal import Principal
from application.invitations.code_sealer import CodeSealer
from application.ports.attempts import AttemptLimiter
from application.ports.clock import Clock
from application.ports.outbox_commands import sealed_binding
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.account.activity import Action
from domain.account.errors import (
    CodeRejected,
    NoEmailAddress,
    StepUpRateLimited,
)
from domain.account.step_up import (
    DEFAULT_POLICY,
    CodeDigests,
    StepUpCode,
    StepUpPolicy,
    VerificationToken,
    VerificationTokens,
)
from domain.free_credits.otp import generate_otp, is_well_formed
from domain.request_context import NO_REQUEST, RequestContext

CODE_TEMPLATE = "account-verification-code"


@dataclass(frozen=True)
class SendStepUpCode:
    _uow: UnitOfWorkFactory[AccountUnitOfWork]
    _limiter: AttemptLimiter
    _digests: CodeDigests
    _sealer: CodeSealer
    _clock: Clock
    _policy: StepUpPolicy = DEFAULT_POLICY

    async def __call__(
        self, principal: Principal, context: RequestContext = NO_REQUEST
    ) -> StepUpCode:
        user_id, policy = principal.user_id, self._policy
        wait = await self._limiter.hit(policy.cooldown, user_id)
        if wait is not None:
            raise StepUpRateLimited(
                f"Please wait {wait} seconds before requesting another code", retry_after=wait
            )
        wait = await self._limiter.hit(policy.sends, user_id)
        if wait is not None:
            raise StepUpRateLimited(
                f"At most {policy.sends.limit} codes per "
                f"{int(policy.sends.period.total_seconds() // 60)} minutes",
                retry_after=wait,
            )
        code = generate_otp()
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None or not user.email:
                raise NoEmailAddress("This account has no e-mail address to send a code to")
            issued = StepUpCode(
                user_id=user_id,
                code_hash=self._digests.digest(code, user_id=user_id),
                created_at=now,
                expires_at=now + policy.code_ttl,
            )
            await uow.step_up_codes.put(issued)
            activity = activity_writer(uow, user_id, now, context)
            await activity.record(Action.VERIFICATION_CODE_SENT)
            sealed = self._sealer.seal(code, bound_to=sealed_binding(user.email, CODE_TEMPLATE))
            await mail_owner(
                uow.outbox,
                user,
                CODE_TEMPLATE,
                sealed={"code": sealed},
                expires_minutes=int(policy.code_ttl.total_seconds() // 60),
            )
            await uow.commit()
        return issued


@dataclass(frozen=True)
class IssuedVerification:
    token: str
    expires_at: datetime
    expires_in: int  # seconds


@dataclass(frozen=True)
class VerifyStepUpCode:
    _uow: UnitOfWorkFactory[AccountUnitOfWork]
    _limiter: AttemptLimiter
    _digests: CodeDigests
    _tokens: VerificationTokens
    _clock: Clock
    _policy: StepUpPolicy = DEFAULT_POLICY

    async def __call__(
        self, principal: Principal, otp: str, context: RequestContext = NO_REQUEST
    ) -> IssuedVerification:
        user_id, policy = principal.user_id, self._policy
        wait = await self._limiter.blocked(policy.lockout, user_id)
        if wait is None:
            wait = await self._limiter.hit(policy.failures, user_id)
        if wait is not None:
            raise _locked(wait)
        now = self._clock.now()
        async with self._uow() as uow:
            stored = await uow.step_up_codes.get(user_id)
            live = stored is not None and stored.is_live(now)
            if (
                stored is not None
                and live
                and is_well_formed(otp)
                and self._digests.matches(otp, stored.code_hash, user_id=user_id)
            ):
                await uow.step_up_codes.delete(user_id)
                await activity_writer(uow, user_id, now, context).record(
                    Action.VERIFICATION_SUCCEEDED
                )
                await uow.commit()
                await self._limiter.clear(policy.failures, user_id)
                text, token = self._tokens.issue(user_id, now, policy.token_ttl)
                expires_in = int((token.expires_at - now).total_seconds())
                return IssuedVerification(text, token.expires_at, max(0, expires_in))
        remaining = await self._limiter.blocked(policy.failures, user_id)
        used_up = remaining is not None
        async with self._uow() as uow:
            writer = activity_writer(uow, user_id, now, context)
            if used_up:
                await uow.step_up_codes.delete(user_id)  # the code is burned with the lockout
                await writer.record(Action.VERIFICATION_LOCKED)
            else:
                await writer.record(
                    Action.VERIFICATION_FAILED, reason="incorrect" if live else "no_active_code"
                )
            await uow.commit()
        if used_up:
            await self._limiter.hit(policy.lockout, user_id)
            raise _locked(int(policy.lockout.period.total_seconds()))
        if not live:
            raise CodeRejected(
                "The code has expired or was never sent; request a new one",
                reason="no_active_code",
                attempts_remaining=await self._remaining(user_id),
            )
        raise CodeRejected(
            "Invalid code", reason="incorrect", attempts_remaining=await self._remaining(user_id)
        )

    async def _remaining(self, user_id: str) -> int:
        return await self._limiter.remaining(self._policy.failures, user_id)


@dataclass(frozen=True, eq=False)
class StepUpStatus:
    guard: StepUpGuard

    async def __call__(
        self, principal: Principal, verification: str | None
    ) -> VerificationToken | None:
        return self.guard.status(principal.user_id, verification)


def _locked(wait: int) -> StepUpRateLimited:
    return StepUpRateLimited(
        "Too many wrong codes; verification is locked for a while", retry_after=wait
    )
