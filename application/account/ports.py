"""Ports of the account context: its repositories, the attempt limiter, the export's source and
the store of export documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from application.pagination import Page, PageRequest
from application.ports.unit_of_work import UnitOfWork
from domain.account.activity import ActivityEntry
from domain.account.exports import DataExport
from domain.account.step_up import StepUpCode
from domain.identity.user import User


class ActivityLog(Protocol):
    """The append-only per-user activity log."""

    async def append(self, entry: ActivityEntry) -> None: ...

    async def list_for_user(self, user_id: str, page: PageRequest) -> Page[ActivityEntry]:
        """Newest first."""
        ...

    async def has_entry(self, user_id: str, action: str, since: datetime) -> bool: ...

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete entries created before ``cutoff`` (retention); the count deleted."""
        ...


class ActivityUnitOfWork(UnitOfWork, Protocol):
    """What another context's unit of work adds to record activity in its own transaction."""

    activity: ActivityLog


class StepUpCodes(Protocol):
    """At most one live step-up code per user (a new one replaces it)."""

    async def put(self, code: StepUpCode) -> None: ...

    async def get(self, user_id: str) -> StepUpCode | None: ...

    async def delete(self, user_id: str) -> None: ...

    async def purge_expired(self, now: datetime) -> int: ...


class ExportRepository(Protocol):
    async def add(self, export: DataExport) -> None: ...

    async def save(self, export: DataExport) -> None: ...

    async def get(self, export_id: str) -> DataExport | None: ...

    async def latest_for_user(self, user_id: str) -> DataExport | None: ...

    async def ready_before(self, completed_before: datetime) -> list[DataExport]:
        """READY exports completed before the cut-off (their documents are due for removal)."""
        ...


@dataclass(frozen=True)
class OwnedOrganization:
    id: str
    slug: str
    name: str


class AccountRecords(Protocol):
    """What the lifecycle asks of the other contexts' tables, and the erasure it performs."""

    async def sole_owned_organizations(self, user_id: str) -> list[OwnedOrganization]:
        """Live organizations where ``user_id`` is the only member with the Owner role."""
        ...

    async def deleted_between(self, after: datetime, until: datetime) -> list[User]:
        """Users soft-deleted in ``(after, until]`` that still have personal data."""
        ...

    async def erase(self, user_id: str, now: datetime) -> Mapping[str, int]:
        """Erase ``user_id``'s personal data (see ADR 0103): anonymise the user and profile,
        remove views, stars, settings, memberships (an organization they owned alone passes to
        its longest-standing member), conversations, codes and activity; keep ledger entries,
        payments, refunds, payment events and the audit trail. The rows touched, by table."""
        ...


# One row of one section of an export: JSON-ready values (strings, numbers, lists, objects).
ExportRow = Mapping[str, Any]


class UserDataSource(Protocol):
    """Everything the platform holds about one user, section by section, as a stream.

    Each context contributes its sections (adapters register them: one entry per context);
    rows are yielded as read, never gathered into one list.
    """

    def sections(self) -> list[str]: ...

    def rows(self, section: str, user_id: str) -> AsyncIterator[ExportRow]: ...


class ExportFiles(Protocol):
    """Where export documents are kept (files under ``VAR_DIR``, or a blob store)."""

    async def write(self, export_id: str, chunks: AsyncIterator[str]) -> int:
        """Store the document written chunk by chunk; its size in bytes."""
        ...

    def read(self, export_id: str) -> AsyncIterator[bytes]: ...

    async def exists(self, export_id: str) -> bool: ...

    async def delete(self, export_id: str) -> bool: ...
