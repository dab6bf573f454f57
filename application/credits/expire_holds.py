"""Scheduled job: release holds past their expiry (their work never reported a cost)."""

from __future__ import annotations

from application.credits.announce import announce_balance
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.transient import retry_transient

BATCH = 500


class ExpireHolds:
    """Idempotent per run: an expired hold is closed once; concurrent runs skip locked rows."""

    def __init__(self, uow: UnitOfWorkFactory[CreditsUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self) -> int:
        async def batch() -> int:
            async with self._uow() as uow:
                expired = await uow.ledger.expire_due(self._clock.now(), BATCH)
                for wallet in {hold.wallet for hold in expired}:  # their held credits are free
                    await announce_balance(uow, wallet, None)
                await uow.commit()
                return len(expired)

        total = 0
        while (n := await retry_transient(batch)) > 0:
            total += n
            if n < BATCH:
                break
        return total
