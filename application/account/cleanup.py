"""The daily cleanup (06:00 UTC, once per slot; safe to run twice: a second run finds nothing).

1. activity entries older than 60 days; 2. expired step-up codes; 3. export documents past their
24 hours; 4. notifications older than 30 days (the notifications context's own purge);
5. one warning e-mail to accounts deleted 80-90 days ago; 6. erasure of accounts deleted more
than 90 days ago (ADR 0103). Returns the counts, which the scheduler logs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from application.account.activity import activity_writer
from application.account.owner_mail import mail_owner
from application.account.ports import ExportFiles
from application.account.unit_of_work import AccountUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.account.activity import ACTIVITY_RETENTION, Action
from domain.account.exports import LINK_TTL, ExportStatus
from domain.account.lifecycle import CleanupWindows, days_left, recover_by
from domain.notifications.notification import RETENTION as NOTIFICATION_RETENTION

_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, eq=False)
class DailyCleanup:
    uow: UnitOfWorkFactory[AccountUnitOfWork]
    files: ExportFiles
    purge_notifications: Callable[[], Awaitable[int]]
    clock: Clock

    async def __call__(self) -> dict[str, int]:
        windows = CleanupWindows(self.clock.now(), ACTIVITY_RETENTION, NOTIFICATION_RETENTION)
        counts: Counter[str] = Counter()
        async with self.uow() as uow:
            counts["activityEntriesDeleted"] = await uow.activity.purge_before(
                windows.activity_before
            )
            counts["codesDeleted"] = await uow.step_up_codes.purge_expired(windows.now)
            await uow.commit()
        counts["exportsExpired"] = await self._expire_exports(windows)
        counts["notificationsDeleted"] = await self.purge_notifications()
        counts["deletionWarningsSent"] = await self._warn(windows)
        erased = await self._erase(windows)
        counts["usersErased"] = erased.pop("users", 0)
        counts.update(erased)
        return dict(counts)

    async def _expire_exports(self, windows: CleanupWindows) -> int:
        async with self.uow() as uow:
            due = await uow.exports.ready_before(windows.now - LINK_TTL)
        for export in due:
            await self.files.delete(export.id)
            async with self.uow() as uow:
                await uow.exports.save(replace(export, status=ExportStatus.EXPIRED))
                await uow.commit()
        return len(due)

    async def _warn(self, windows: CleanupWindows) -> int:
        after, until = windows.warn_deleted_between
        sent = 0
        async with self.uow() as uow:
            candidates = await uow.account_records.deleted_between(after, until)
        for user in candidates:
            deleted_at = user.deleted_at
            if deleted_at is None or not user.email:
                continue
            async with self.uow() as uow:
                # One warning per deletion: looked up by the very action it writes.
                if await uow.activity.has_entry(user.id, Action.DELETION_WARNING_SENT, deleted_at):
                    continue
                left = days_left(deleted_at, windows.now)
                await activity_writer(uow, user.id, windows.now).record(
                    Action.DELETION_WARNING_SENT, daysLeft=left
                )
                await mail_owner(
                    uow.outbox,
                    user,
                    "account-deletion-warning",
                    dedupe_key=f"deletion-warning:{user.id}:{deleted_at.isoformat()}",
                    days_left=left,
                    recover_by=recover_by(deleted_at).strftime("%Y-%m-%d"),
                )
                await uow.commit()
            sent += 1
        return sent

    async def _erase(self, windows: CleanupWindows) -> Counter[str]:
        counts: Counter[str] = Counter()
        async with self.uow() as uow:
            due = await uow.account_records.deleted_between(_LONG_AGO, windows.erase_deleted_before)
        for user in due:
            async with self.uow() as uow:
                touched = await uow.account_records.erase(user.id, windows.now)
                await uow.commit()
            counts["users"] += 1
            counts.update({f"erased.{table}": n for table, n in touched.items()})
        return counts
