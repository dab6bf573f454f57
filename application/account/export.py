"""The data export: requested once per 24 h, built by a job, downloaded by its owner.

The document is JSON written section by section as the rows stream out of the ``UserDataSource``
(every context contributes its sections, ADR 0104) into ``ExportFiles``; it is never held in
memory whole. The owner gets an e-mail with a signed 24-hour link and a notification.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from application.account.activity import activity_writer
from application.account.guard import StepUpGuard
from application.account.owner_mail import mail_owner
from application.account.ports import ExportFiles, UserDataSource
from application.account.unit_of_work import AccountUnitOfWork
from application.identity.principal import Principal
from application.ports.clock import Clock
from application.ports.outbox_commands import (
    BuildDataExport,
    CreateNotification,
    MalformedCommand,
)
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.account.activity import Action
from domain.account.errors import ExportExpired, ExportNotFound
from domain.account.exports import (
    LINK_TTL,
    DataExport,
    ExportLinks,
    ExportStatus,
    ensure_may_request,
)
from domain.identity.user import User
from domain.ids import new_id
from domain.request_context import NO_REQUEST, RequestContext

FORMAT = "fairarena-export/1"

#: What the owner is told at each stage of an export: (title, message).
_NOTICES = {
    "started": (
        "Data export started",
        "We are gathering your data; you will get a link by e-mail.",
    ),
    "ready": ("Data export ready", "Your data export is ready to download for 24 hours."),
    "failed": (
        "Data export failed",
        "We could not build your data export; please request it again.",
    ),
}


def _notice(export: DataExport, stage: str, *, download: str | None = None) -> CreateNotification:
    """The owner's notification of one stage of their export, once per export and stage."""
    title, message = _NOTICES[stage]
    return CreateNotification(
        user_id=export.user_id,
        title=title,
        message=message,
        action_url=download,
        action_label=None if download is None else "Download",
        dedupe_key=f"export-{stage}:{export.id}",
    )


@dataclass(frozen=True, eq=False)
class RequestExport:
    """``POST /account-settings/export-data``: after step-up, once per 24 h, 202."""

    uow: UnitOfWorkFactory[AccountUnitOfWork]
    guard: StepUpGuard
    clock: Clock

    async def __call__(
        self, principal: Principal, verification: str | None, context: RequestContext
    ) -> DataExport:
        self.guard.require(principal.user_id, verification)
        now = self.clock.now()
        async with self.uow() as uow:
            # The user's row lock serialises concurrent requests: one export per 24 h, exactly.
            await uow.users.get_by_subject(principal.subject, for_update=True)
            ensure_may_request(await uow.exports.latest_for_user(principal.user_id), now)
            export = DataExport(new_id(), principal.user_id, ExportStatus.PENDING, now)
            await uow.exports.add(export)
            await activity_writer(uow, principal.user_id, now, context).record(
                Action.EXPORT_REQUESTED, exportId=export.id
            )
            await uow.outbox.add(
                BuildDataExport(export_id=export.id, dedupe_key=f"export:{export.id}")
            )
            await uow.outbox.add(_notice(export, "started"))
            await uow.commit()
        return export


async def export_document(
    source: UserDataSource, user: User, export: DataExport, now: datetime
) -> AsyncIterator[str]:
    """The export as JSON text, chunk by chunk (one row at a time)."""
    header = {
        "format": FORMAT,
        "exportId": export.id,
        "userId": user.id,
        "generatedAt": now.isoformat(),
    }
    yield json.dumps(header)[:-1] + ', "sections": {'
    for index, section in enumerate(source.sections()):
        yield ("," if index else "") + json.dumps(section) + ": ["
        first = True
        async for row in source.rows(section, user.id):
            yield ("" if first else ",") + json.dumps(row, default=_json_default)
            first = False
        yield "]"
    yield "}}"


def _json_default(value: object) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class BuildExport:
    """Job handler of ``BuildDataExport``: gather, store, e-mail the signed link, notify."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[AccountUnitOfWork],
        source: UserDataSource,
        files: ExportFiles,
        links: ExportLinks,
        clock: Clock,
        public_api_url: str,
    ) -> None:
        self._uow = uow
        self._source = source
        self._files = files
        self._links = links
        self._clock = clock
        self._base = public_api_url.rstrip("/")

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        try:
            command = BuildDataExport.from_payload(payload)
        except MalformedCommand:
            return
        await self.handle(command.export_id)

    async def handle(self, export_id: str) -> DataExport | None:
        async with self._uow() as uow:
            export = await uow.exports.get(export_id)
            user = await uow.users.get(export.user_id) if export is not None else None
        if export is None or user is None or export.status is not ExportStatus.PENDING:
            return None  # a redelivered job: already built (or the user is gone)
        try:
            size = await self._files.write(
                export.id, export_document(self._source, user, export, self._clock.now())
            )
        except Exception:
            # Failed exports do not count against the 24 hours: the owner may ask again at once.
            await self._fail(export)
            raise
        now = self._clock.now()
        ready = export.ready(now, size)
        async with self._uow() as uow:
            current = await uow.exports.get(export_id)
            if current is None or current.status is not ExportStatus.PENDING:
                return current
            await uow.exports.save(ready)
            await activity_writer(uow, user.id, now).record(
                Action.EXPORT_READY, exportId=export.id, sizeBytes=size
            )
            link = self.link(ready, now + LINK_TTL)
            await mail_owner(
                uow.outbox,
                user,
                "data-export",
                dedupe_key=f"export-email:{export.id}",
                download_url=link,
                expires_at=(now + LINK_TTL).strftime("%Y-%m-%d %H:%M UTC"),
            )
            await uow.outbox.add(_notice(export, "ready", download=link))
            await uow.commit()
        return ready

    async def _fail(self, export: DataExport) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            current = await uow.exports.get(export.id)
            if current is None or current.status is not ExportStatus.PENDING:
                return
            await uow.exports.save(current.failed(now))
            await uow.outbox.add(_notice(export, "failed"))
            await uow.commit()

    def link(self, export: DataExport, expires_at: datetime) -> str:
        expires, signature = self._links.sign(export, expires_at)
        query = urlencode({"expires": expires, "signature": signature})
        return f"{self._base}/api/v1/account-settings/exports/{export.id}?{query}"


@dataclass(frozen=True, eq=False)
class DownloadExport:
    """``GET /account-settings/exports/{id}``: the owner's, with a valid link, within 24 h."""

    uow: UnitOfWorkFactory[AccountUnitOfWork]
    files: ExportFiles
    links: ExportLinks
    clock: Clock

    async def __call__(
        self,
        principal: Principal,
        export_id: str,
        expires: int,
        signature: str,
        context: RequestContext = NO_REQUEST,
    ) -> tuple[DataExport, AsyncIterator[bytes]]:
        now = self.clock.now()
        async with self.uow() as uow:
            export = await uow.exports.get(export_id)
            if export is None or export.user_id != principal.user_id:
                raise ExportNotFound("No such export")
            self.links.check(export, expires, signature, now)
            if not await self.files.exists(export.id):
                raise ExportExpired("This export is no longer stored; request a new one")
            await activity_writer(uow, principal.user_id, now, context).record(
                Action.EXPORT_DOWNLOADED, exportId=export.id
            )
            await uow.commit()
        return export, self.files.read(export.id)
