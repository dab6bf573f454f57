"""Writing and reading the activity log.

Other contexts record their sensitive actions in their own transaction: their unit of work
declares ``activity: ActivityLog`` (``ActivityUnitOfWork``) and the use case writes::

    await activity_writer(uow, user.id, now, ctx).record(Action.SETTINGS_UPDATED, changed=[...])
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import Any

from application.account.guard import StepUpGuard
from application.account.ports import ActivityLog, ActivityUnitOfWork
from application.account.unit_of_work import AccountUnitOfWork
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.account.activity import Action, ActivityEntry, ActivityLevel
from domain.request_context import NO_REQUEST, RequestContext

_LEVELS: dict[str, ActivityLevel] = {
    Action.VERIFICATION_CODE_SENT: ActivityLevel.WARN,
    Action.VERIFICATION_FAILED: ActivityLevel.WARN,
    Action.VERIFICATION_LOCKED: ActivityLevel.CRITICAL,
    Action.VERIFICATION_SUCCEEDED: ActivityLevel.CRITICAL,
    Action.LOGS_READ: ActivityLevel.CRITICAL,
    Action.EXPORT_REQUESTED: ActivityLevel.WARN,
    Action.EXPORT_DOWNLOADED: ActivityLevel.WARN,
    Action.ACCOUNT_DELETED: ActivityLevel.CRITICAL,
    Action.ACCOUNT_RECOVERED: ActivityLevel.CRITICAL,
    Action.DELETION_WARNING_SENT: ActivityLevel.CRITICAL,
    Action.ROLE_CHANGED: ActivityLevel.WARN,
    Action.REFUND_ISSUED: ActivityLevel.WARN,
}


@dataclass(frozen=True, eq=False)
class ActivityWriter:
    """Appends entries for one user, at one instant, from one request (bound once per call)."""

    log: ActivityLog
    _: KW_ONLY
    user_id: str
    now: datetime
    context: RequestContext = NO_REQUEST

    async def record(
        self, action: Action | str, *, level: ActivityLevel | None = None, **metadata: Any
    ) -> None:
        await self.log.append(
            ActivityEntry(
                user_id=self.user_id,
                action=str(action),
                level=level or _LEVELS.get(str(action), ActivityLevel.INFO),
                created_at=self.now,
                metadata=metadata,
                context=self.context,
            )
        )


def activity_writer(
    uow: ActivityUnitOfWork,
    user_id: str,
    now: datetime,
    context: RequestContext = NO_REQUEST,
) -> ActivityWriter:
    """The writer for ``user_id``'s entries in ``uow``'s transaction."""
    return ActivityWriter(uow.activity, user_id=user_id, now=now, context=context)


@dataclass(frozen=True, eq=False)
class ListActivity:
    """``GET /account-settings/logs``: the caller's log, newest first, after step-up."""

    uow: UnitOfWorkFactory[AccountUnitOfWork]
    guard: StepUpGuard

    async def __call__(
        self,
        principal: Principal,
        verification: str | None,
        page: PageRequest,
        context: RequestContext = NO_REQUEST,
    ) -> Page[ActivityEntry]:
        self.guard.require(principal.user_id, verification)
        async with self.uow() as uow:
            found = await uow.activity.list_for_user(principal.user_id, page)
            if page.after is None:  # reading the log is itself logged, once per first page
                writer = activity_writer(uow, principal.user_id, self.guard.now(), context)
                await writer.record(Action.LOGS_READ)
                await uow.commit()
        return found
