"""Daily job: promotional credits that expired are posted as EXPIRY, those about to are announced.

A sweep, safe to run late or twice: each due lot gets one EXPIRY (its key is the lot's,
``lots.expiry_key``; a debit may already have posted it, since every store expires due lots
before debiting), and each lot expiring within ``WARN_AHEAD`` one notification (the outbox's
``dedupe_key`` is the lot's). Wallets are visited by account, each in its own short transaction.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.credits.announce import announce_balance
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.outbox_commands import CreateNotification
from application.ports.unit_of_work import UnitOfWorkFactory
from application.transient import retry_transient
from domain.credits.accounts import wallet_owner
from domain.credits.lots import Lot, open_lots
from domain.notifications.notification import NotificationType

WARN_AHEAD = timedelta(days=7)
BATCH = 500


@dataclass(frozen=True)
class ExpiryRun:
    wallets: int
    expired_lots: int
    expired_credits: int
    warnings: int


def expiring_notice(user_id: str, lot: Lot) -> CreateNotification:
    day = lot.expires_at.date().isoformat()
    return CreateNotification(
        user_id=user_id,
        title="Credits expiring soon",
        message=f"{lot.remaining} promotional credits expire on {day}",
        type=NotificationType.REMINDER,
        action_url="/credits",
        metadata={
            "lotId": lot.id,
            "amount": lot.remaining,
            "expiresAt": lot.expires_at.isoformat(),
        },
        dedupe_key=f"credits.expiring:{lot.id}",
    )


@dataclass(frozen=True, eq=False)
class ExpirePromotionalCredits:
    uow: UnitOfWorkFactory[CreditsUnitOfWork]
    clock: Clock

    async def __call__(self) -> ExpiryRun:
        now = self.clock.now()
        wallets = lots = credits = warnings = 0
        after = ""
        while True:
            async with self.uow() as uow:
                batch = await uow.ledger.wallets_expiring(now + WARN_AHEAD, after, BATCH)
            for wallet in batch:
                n, c, w = await retry_transient(functools.partial(self._sweep, wallet, now))
                wallets, lots, credits, warnings = wallets + 1, lots + n, credits + c, warnings + w
            if len(batch) < BATCH:
                return ExpiryRun(wallets, lots, credits, warnings)
            after = batch[-1]

    async def _sweep(self, wallet: str, now: datetime) -> tuple[int, int, int]:
        async with self.uow() as uow:
            expired = await uow.ledger.expire_lots(wallet, now)
            owner = wallet_owner(wallet)
            warned = 0
            if owner is not None:
                for lot in open_lots(await uow.ledger.lots(wallet)):
                    if now < lot.expires_at <= now + WARN_AHEAD:
                        warned += await uow.outbox.add(expiring_notice(owner, lot)) is not None
                if expired:
                    await announce_balance(uow, wallet, expired[-1].transaction.id)
            await uow.commit()
        taken = sum(-p.transaction.postings[0].amount for p in expired)
        return len(expired), taken, warned
