"""Reports: filed by signed-in users about what they can see; moderated by platform admins.

Reports are never deleted. Every state change is audited (filed under the platform's
``moderation`` trail) and the reporter is notified when their report is resolved or dismissed.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.access.authorizer import Authorizer
from application.audit.writer import AuditScope, AuditWriter
from application.community.unit_of_work import ReportsUnitOfWork
from application.identity.principal import Principal
from application.own_pages import ListOwn
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.outbox_commands import CreateNotification
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.access.errors import AccessError
from domain.access.permissions import Permission, ScopeKind
from domain.community.errors import (
    DuplicateOpenReport,
    ReportNotFound,
    ReportTargetNotFound,
)
from domain.community.reports import (
    OUTCOMES,
    EntityType,
    Report,
    ReportReason,
    ReportStatus,
)
from domain.errors import NotFound
from domain.ids import new_id
from domain.notifications.notification import NotificationType
from domain.request_context import RequestContext

MODERATION = AuditScope.platform("moderation")
_SCOPES = {
    EntityType.ORGANIZATION: (ScopeKind.ORGANIZATION, Permission.ORG_READ),
    EntityType.TEAM: (ScopeKind.TEAM, Permission.TEAM_READ),
    EntityType.PROJECT: (ScopeKind.PROJECT, Permission.PROJECT_READ),
}


def _audit_state(report: Report) -> dict[str, object]:
    return {"status": report.status.value, "resolution": report.resolution}


@dataclass(frozen=True, eq=False)
class FileReport:
    uow: UnitOfWorkFactory[ReportsUnitOfWork]
    clock: Clock
    authorizer: Authorizer

    async def __call__(
        self,
        reporter: Principal,
        entity_type: EntityType,
        entity_id: str,
        reason: ReportReason,
        details: str | None,
        context: RequestContext | None = None,
    ) -> Report:
        now = self.clock.now()
        async with self.uow() as uow:
            target_id = await self._visible_target(uow, reporter.user_id, entity_type, entity_id)
            report = Report(
                id=new_id(),
                reporter_id=reporter.user_id,
                entity_type=entity_type,
                entity_id=target_id,
                reason=reason,
                details=details or None,
                status=ReportStatus.QUEUED,
                created_at=now,
                updated_at=now,
            )
            if not await uow.reports.add(report):
                raise DuplicateOpenReport()
            audit = AuditWriter(uow.audit, actor_id=reporter.user_id, now=now, context=context)
            await audit.write(
                "report.filed",
                MODERATION,
                "report",
                report.id,
                after={**_audit_state(report), "entityType": entity_type.value},
            )
            await uow.commit()
        return report

    async def _visible_target(
        self, uow: ReportsUnitOfWork, user_id: str, entity_type: EntityType, entity_id: str
    ) -> str:
        """The entity's id if it exists and the reporter can see it; else 404."""
        if entity_type is EntityType.PROFILE:
            owner = await uow.users.get(entity_id)
            profile = await uow.profiles.get(entity_id) if owner and not owner.is_deleted else None
            if profile is None or not (profile.user_id == user_id or profile.privacy.is_public):
                raise ReportTargetNotFound(entity_type.value)
            return profile.user_id
        kind, permission = _SCOPES[entity_type]
        try:
            access = await self.authorizer.scope(uow.scopes, user_id, kind, entity_id, permission)
        except (AccessError, NotFound):  # absent, invisible or unreadable: never a 403 here
            raise ReportTargetNotFound(entity_type.value) from None
        return access.node.ref.id


class ListMyReports(ListOwn[ReportsUnitOfWork, Report]):
    async def _page(self, uow: ReportsUnitOfWork, user_id: str, page: PageRequest) -> Page[Report]:
        return await uow.reports.by_reporter(user_id, page)


@dataclass(frozen=True, eq=False)
class ListReportQueue:
    """The moderation queue for platform admins, oldest first, optionally by status."""

    uow: UnitOfWorkFactory[ReportsUnitOfWork]

    async def __call__(self, status: ReportStatus | None, page: PageRequest) -> Page[Report]:
        async with self.uow() as uow:
            return await uow.reports.queue(status, page)


@dataclass(frozen=True, eq=False)
class ModerateReport:
    uow: UnitOfWorkFactory[ReportsUnitOfWork]
    clock: Clock

    async def __call__(
        self,
        moderator: Principal,
        report_id: str,
        status: ReportStatus,
        resolution: str | None,
        context: RequestContext | None = None,
    ) -> Report:
        now = self.clock.now()
        async with self.uow() as uow:
            report = await uow.reports.get(report_id, for_update=True)
            if report is None:
                raise ReportNotFound()
            moderated = report.moderate(status, resolution, moderator.user_id, now)
            await uow.reports.save(moderated)
            audit = AuditWriter(uow.audit, actor_id=moderator.user_id, now=now, context=context)
            await audit.change(
                "report.moderated", MODERATION, "report", _audit_state, report, moderated
            )
            if moderated.status in OUTCOMES:
                await uow.outbox.add(_outcome_notice(moderated))
            await uow.commit()
        return moderated


def _outcome_notice(report: Report) -> CreateNotification:
    verdict = (
        "action was taken" if report.status is ReportStatus.RESOLVED else "no action was needed"
    )
    return CreateNotification(
        user_id=report.reporter_id,
        type=NotificationType.UPDATE,
        title="Your report was reviewed",
        message=f"Thank you for your report about a {report.entity_type.value}: {verdict}.",
        description=report.resolution or "",
        metadata={"reportId": report.id, "status": report.status.value},
        dedupe_key=f"community.report-outcome:{report.id}",
    )
