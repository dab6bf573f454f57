"""In-memory invitations (unit tests and the embedded default), same semantics as the SQL twin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES
from adapters.memory.store import MemoryState
from application.pagination import Page, PageRequest
from application.ports.storage_errors import DuplicateKey
from domain.access.scopes import ScopeRef
from domain.invitations.invitation import Invitation, InvitationStatus


@REPOSITORIES.register("invitations")
class MemoryInvitationRepository:
    def __init__(self, state: MemoryState):
        self._state = state

    @property
    def _rows(self) -> dict[str, Invitation]:
        # Looked up each time: a rollback swaps the parts of MemoryState.
        return self._state.invitations.by_id

    async def add(self, invitation: Invitation) -> None:
        if invitation.id in self._rows or any(
            r.code_digest == invitation.code_digest for r in self._rows.values()
        ):
            raise DuplicateKey("invitation id or code digest already stored")
        self._rows[invitation.id] = invitation

    async def save(self, invitation: Invitation) -> None:
        self._rows[invitation.id] = invitation

    async def by_digest(self, digest: str, *, for_update: bool = False) -> Invitation | None:
        return next((r for r in self._rows.values() if r.code_digest == digest), None)

    async def get(self, invitation_id: str) -> Invitation | None:
        return self._rows.get(invitation_id)

    async def open_invitations(
        self, now: datetime, *, organization_id: str | None = None, invited_by: str | None = None
    ) -> list[Invitation]:
        if organization_id is None and invited_by is None:
            raise ValueError("open_invitations needs organization_id or invited_by")
        rows = [
            r
            for r in self._rows.values()
            if r.status_at(now) is InvitationStatus.PENDING
            and organization_id in (None, r.target.organization_id)
            and invited_by in (None, r.invited_by)
        ]
        return sorted(rows, key=lambda r: r.id)

    async def list_for_scope(
        self, scope: ScopeRef, status: InvitationStatus | None, now: datetime, page: PageRequest
    ) -> Page[Invitation]:
        rows = [
            r
            for r in self._rows.values()
            if r.target.scope_id == scope.id and (status is None or r.status_at(now) is status)
        ]
        rows.sort(key=lambda r: r.id, reverse=True)
        return newest_first(rows, page, lambda r: ("", r.id))

    async def open_emails(self, scope: ScopeRef, emails: Sequence[str], now: datetime) -> set[str]:
        wanted = set(emails)
        return {
            r.email
            for r in self._rows.values()
            if r.target.scope_id == scope.id
            and r.email in wanted
            and r.status_at(now) is InvitationStatus.PENDING
        }

    async def member_emails(self, scope: ScopeRef, emails: Sequence[str]) -> set[str]:
        wanted = set(emails)
        found: set[str] = set()
        for (user_id, scope_id), _ in self._state.access.memberships.items():
            user = self._state.identity.users.get(user_id)
            email = user.email.lower() if user is not None and user.email else None
            if scope_id == scope.id and email in wanted:
                found.add(email)
        return found
