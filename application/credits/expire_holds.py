"""Scheduled job: release holds past their expiry (their work never reported a cost)."""

from __future__ import annotations

from dataclasses import dataclass

from application.credits.announce import announce_balance
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.transient import retry_transient

BATCH = 500


@dataclass(frozen=True, eq=False)
class ExpireHolds:
    """Idempotent per run: an expired hold is closed once; concurrent runs skip locked rows."""

    uow: UnitOfWorkFactory[CreditsUnitOfWork]
    clock: Clock

    async def __call__(self) -> int:
        async def batch() -> int:
            async with self.uow() as uow:
                expired = await uow.ledger.expire_due(self.clock.now(), BATCH)
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
