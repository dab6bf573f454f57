"""Persistence ports of the invitations context."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from application.pagination import Page, PageRequest
from domain.access.scopes import ScopeRef
from domain.invitations.invitation import Invitation, InvitationStatus


class InvitationRepository(Protocol):
    """Invitations of every scope. Codes are looked up by digest only; repositories never commit."""

    async def add(self, invitation: Invitation) -> None:
        """Insert; ``DuplicateKey`` when the id or the code digest is already stored."""
        ...

    async def save(self, invitation: Invitation) -> None:
        """Persist a state change (used, declined, revoked)."""
        ...

    async def by_digest(self, digest: str, *, for_update: bool = False) -> Invitation | None:
        """The invitation whose code hashes to ``digest``; ``for_update`` locks its row."""
        ...

    async def get(self, invitation_id: str) -> Invitation | None: ...

    async def open_invitations(
        self, now: datetime, *, organization_id: str | None = None, invited_by: str | None = None
    ) -> list[Invitation]:
        """Pending, unexpired invitations of an organization and/or by one inviter (at least one
        filter), oldest first, their rows locked until the transaction ends: a concurrent
        acceptance either finishes first (the row is then no longer pending) or waits."""
        ...

    async def list_for_scope(
        self, scope: ScopeRef, status: InvitationStatus | None, now: datetime, page: PageRequest
    ) -> Page[Invitation]:
        """Newest first; ``status`` (None: all) is applied in the query, EXPIRED included."""
        ...

    async def open_emails(self, scope: ScopeRef, emails: Sequence[str], now: datetime) -> set[str]:
        """Which of ``emails`` (normalised) already have an open invitation to ``scope``."""
        ...

    async def member_emails(self, scope: ScopeRef, emails: Sequence[str]) -> set[str]:
        """Which of ``emails`` (normalised) belong to users holding a role on ``scope`` itself."""
        ...
