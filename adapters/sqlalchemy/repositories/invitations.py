"""Invitations on SQLAlchemy Core: lookups by digest, list filters as SQL predicates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.errors import duplicates_refused
from adapters.sqlalchemy.paging import read_page
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import entity_of, entity_row, first_entity
from adapters.sqlalchemy.statements import for_update as lock_rows
from adapters.sqlalchemy.tables.access import memberships
from adapters.sqlalchemy.tables.identity import users
from adapters.sqlalchemy.tables.invitations import invitations
from application.pagination import Page, PageRequest
from domain.access.permissions import ScopeKind
from domain.access.scopes import ScopeRef
from domain.invitations.invitation import Invitation, InvitationStatus, InvitationTarget

i = invitations.c
_CHUNK = 500  # IN-lists stay well under SQLite's parameter limit


def status_predicate(status: InvitationStatus, now: datetime) -> sa.ColumnElement[bool]:
    """The SQL form of ``Invitation.status_at(now) == status`` (EXPIRED is derived)."""
    if status is InvitationStatus.PENDING:
        return sa.and_(i.state == "pending", i.expires_at > now)
    if status is InvitationStatus.EXPIRED:
        return sa.and_(i.state == "pending", i.expires_at <= now)
    return i.state == status.value


@REPOSITORIES.register("invitations")
class SqlInvitationRepository(SqlRepository):
    async def add(self, invitation: Invitation) -> None:
        with duplicates_refused("invitation id or code digest already stored"):
            await self._conn.execute(sa.insert(invitations).values(**_row(invitation)))

    async def save(self, invitation: Invitation) -> None:
        await self._conn.execute(
            sa.update(invitations)
            .where(i.id == invitation.id)
            .values(
                state=invitation.state.value,
                closed_at=invitation.closed_at,
                closed_by=invitation.closed_by,
            )
        )

    async def by_digest(self, digest: str, *, for_update: bool = False) -> Invitation | None:
        stmt = sa.select(invitations).where(i.code_digest == digest)
        return await first_entity(self._conn, stmt, _invitation, lock=for_update)

    async def get(self, invitation_id: str) -> Invitation | None:
        stmt = sa.select(invitations).where(i.id == invitation_id)
        return await first_entity(self._conn, stmt, _invitation)

    async def open_invitations(
        self, now: datetime, *, organization_id: str | None = None, invited_by: str | None = None
    ) -> list[Invitation]:
        if organization_id is None and invited_by is None:
            raise ValueError("open_invitations needs organization_id or invited_by")
        stmt = sa.select(invitations).where(status_predicate(InvitationStatus.PENDING, now))
        if organization_id is not None:
            stmt = stmt.where(i.organization_id == organization_id)
        if invited_by is not None:
            stmt = stmt.where(i.invited_by == invited_by)
        stmt = lock_rows(stmt.order_by(i.id), self._conn)
        return [_invitation(r) for r in (await self._conn.execute(stmt)).all()]

    async def list_for_scope(
        self, scope: ScopeRef, status: InvitationStatus | None, now: datetime, page: PageRequest
    ) -> Page[Invitation]:
        stmt = sa.select(invitations).where(i.scope_id == scope.id)
        if status is not None:
            stmt = stmt.where(status_predicate(status, now))
        return await read_page(self._conn, stmt, page, _invitation, id=i.id)  # UUIDv7: by time

    async def open_emails(self, scope: ScopeRef, emails: Sequence[str], now: datetime) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(emails):
            stmt = sa.select(i.email).where(
                i.scope_id == scope.id,
                i.email.in_(chunk),
                status_predicate(InvitationStatus.PENDING, now),
            )
            found.update((await self._conn.execute(stmt)).scalars())
        return found

    async def member_emails(self, scope: ScopeRef, emails: Sequence[str]) -> set[str]:
        m, u = memberships.c, users.c
        found: set[str] = set()
        for chunk in _chunks(emails):
            stmt = (
                sa.select(sa.func.lower(u.email))
                .select_from(memberships.join(users, u.id == m.user_id))
                .where(m.scope_id == scope.id, sa.func.lower(u.email).in_(chunk))
            )
            found.update((await self._conn.execute(stmt)).scalars())
        return found


def _chunks(values: Sequence[str]) -> list[list[str]]:
    unique = sorted(set(values))
    return [unique[n : n + _CHUNK] for n in range(0, len(unique), _CHUNK)]


def _row(inv: Invitation) -> dict[str, Any]:
    t = inv.target
    return entity_row(
        inv,
        omit=("target",),
        organization_id=t.organization_id,
        team_id=t.team_id,
        project_id=t.project_id,
        scope_type=t.scope.value,
        scope_id=t.scope_id,
        state=inv.state.value,
    )


def _invitation(r: Any) -> Invitation:
    return entity_of(
        Invitation,
        r,
        target=InvitationTarget(
            ScopeKind(r.scope_type), r.organization_id, r.team_id, r.project_id
        ),
        state=InvitationStatus(r.state),
    )
