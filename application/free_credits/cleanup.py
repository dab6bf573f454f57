"""Daily sweep of phone-verification state nobody can use any more."""

from __future__ import annotations

from dataclasses import dataclass

from application.free_credits.unit_of_work import FreeCreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.free_credits.policy import DEFAULT_POLICY, VerificationPolicy


@dataclass(frozen=True)
class PurgeStalePhoneVerification:
    """Removes expired number locks and codes and attempt history past every rate window.

    A user's own requests already prune their state; this catches users who never came back.
    Idempotent: running it twice, or late, removes nothing more than once.
    """

    _uow: UnitOfWorkFactory[FreeCreditsUnitOfWork]
    _clock: Clock
    _policy: VerificationPolicy = DEFAULT_POLICY

    async def __call__(self) -> int:
        now = self._clock.now()
        longest = max(
            self._policy.send_window, self._policy.verify_window, self._policy.claim_window
        )
        async with self._uow() as uow:
            removed = await uow.phone_verifications.purge_stale(
                now=now, history_before=now - longest
            )
            await uow.commit()
        return removed
