"""Whether the caller can claim the free credits, and why not."""

from __future__ import annotations

from dataclasses import dataclass

from application.free_credits.unit_of_work import FreeCreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.free_credits.eligibility import FreeCreditsEligibility
from domain.free_credits.policy import DEFAULT_POLICY, VerificationPolicy
from domain.free_credits.verification import PhoneVerification


async def eligibility_in(
    uow: FreeCreditsUnitOfWork, state: PhoneVerification, clock: Clock, policy: VerificationPolicy
) -> FreeCreditsEligibility:
    """The rule the eligibility read and the claim share (never two versions of it)."""
    claim = await uow.phone_verifications.claim_of(state.user_id)
    return FreeCreditsEligibility(
        has_claimed=claim is not None,
        phone_verified=state.is_verified,
        has_phone_number=state.is_verified or state.pending_phone(clock.now(), policy) is not None,
    )


@dataclass(frozen=True)
class GetFreeCreditsEligibility:
    """Reads the caller's eligibility straight from the database (no cache to go stale)."""

    _uow: UnitOfWorkFactory[FreeCreditsUnitOfWork]
    _clock: Clock
    _policy: VerificationPolicy = DEFAULT_POLICY

    async def __call__(self, *, user_id: str) -> FreeCreditsEligibility:
        async with self._uow() as uow:
            state = await uow.phone_verifications.get(user_id)
            return await eligibility_in(uow, state, self._clock, self._policy)
