"""A user's data export: once per 24 hours, downloadable through a signed link for 24 hours."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from domain.account.errors import ExportExpired, ExportLinkInvalid, ExportTooSoon
from domain.keyed_hash import KeyedHash

EXPORT_INTERVAL = timedelta(hours=24)
LINK_TTL = timedelta(hours=24)


class ExportStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"  # the document was removed after LINK_TTL


@dataclass(frozen=True)
class DataExport:
    id: str
    user_id: str
    status: ExportStatus
    requested_at: datetime
    completed_at: datetime | None = None
    size_bytes: int | None = None

    @property
    def expires_at(self) -> datetime | None:
        return self.completed_at + LINK_TTL if self.completed_at is not None else None

    def ready(self, now: datetime, size_bytes: int) -> DataExport:
        return replace(self, status=ExportStatus.READY, completed_at=now, size_bytes=size_bytes)

    def failed(self, now: datetime) -> DataExport:
        return replace(self, status=ExportStatus.FAILED, completed_at=now)

    def downloadable(self, now: datetime) -> bool:
        expires = self.expires_at
        return self.status is ExportStatus.READY and expires is not None and now < expires


def ensure_may_request(latest: DataExport | None, now: datetime) -> None:
    """Refuses a second export within 24 hours of the last one (a failed one does not count)."""
    if latest is None or latest.status is ExportStatus.FAILED:
        return
    wait = latest.requested_at + EXPORT_INTERVAL - now
    if wait > timedelta(0):
        hours = math.ceil(wait.total_seconds() / 3600)
        raise ExportTooSoon(
            f"You can request a data export once every 24 hours; try again in {hours} h",
            retry_after=max(1, math.ceil(wait.total_seconds())),
        )


class ExportLinks:
    """Signed download links: the export id, its owner and the link's expiry, keyed."""

    PURPOSE = "account.export.link"

    def __init__(self, key: KeyedHash) -> None:
        self._key = key.for_purpose(self.PURPOSE)

    def sign(self, export: DataExport, expires_at: datetime) -> tuple[int, str]:
        expires = math.floor(expires_at.timestamp())
        return expires, self._key.digest(export.id, export.user_id, str(expires))

    def check(self, export: DataExport, expires: int, signature: str, now: datetime) -> None:
        if not self._key.matches(signature, export.id, export.user_id, str(expires)):
            raise ExportLinkInvalid("This download link is not valid")
        if now >= datetime.fromtimestamp(expires, UTC) or not export.downloadable(now):
            raise ExportExpired("This download link has expired; request a new export")
