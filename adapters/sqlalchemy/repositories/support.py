"""Support tickets on SQLAlchemy Core (PostgreSQL and SQLite)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.paging import read_page
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import entity_of, entity_row, first_entity
from adapters.sqlalchemy.statements import for_update as lock_rows
from adapters.sqlalchemy.tables.support import support_ticket_messages, support_tickets
from application.pagination import Page, PageRequest
from application.support.ports import QueueFilter, Requester
from domain.support.ticket import (
    AWAITING_AGENT,
    Severity,
    SupportTicket,
    TicketMessage,
    TicketStatus,
    TicketType,
    TriageSource,
)

t = support_tickets.c
m = support_ticket_messages.c


def _ticket(row: Any) -> SupportTicket:
    return entity_of(
        SupportTicket,
        row,
        status=TicketStatus(row.status),
        type=TicketType(row.type) if row.type else None,
        severity=Severity(row.severity) if row.severity else None,
        triage_source=TriageSource(row.triage_source) if row.triage_source else None,
    )


@REPOSITORIES.register("support_tickets")
class SqlTicketRepository(SqlRepository):
    async def add(self, ticket: SupportTicket) -> None:
        await self._conn.execute(sa.insert(support_tickets).values(**entity_row(ticket)))

    async def get(self, ticket_id: str, *, for_update: bool = False) -> SupportTicket | None:
        stmt = sa.select(support_tickets).where(t.id == ticket_id)
        return await first_entity(self._conn, stmt, _ticket, lock=for_update)

    async def save(self, ticket: SupportTicket) -> None:
        values = entity_row(ticket, omit=("id",))
        await self._conn.execute(
            sa.update(support_tickets).where(t.id == ticket.id).values(**values)
        )

    async def add_message(self, message: TicketMessage) -> None:
        await self._conn.execute(sa.insert(support_ticket_messages).values(**entity_row(message)))

    async def messages(self, ticket_id: str, *, include_internal: bool) -> list[TicketMessage]:
        stmt = sa.select(support_ticket_messages).where(m.ticket_id == ticket_id)
        if not include_internal:
            stmt = stmt.where(m.internal.is_(False))
        rows = (await self._conn.execute(stmt.order_by(m.created_at, m.id))).all()
        return [entity_of(TicketMessage, r) for r in rows]

    async def list_for_requester(self, requester_id: str, page: PageRequest) -> Page[SupportTicket]:
        stmt = sa.select(support_tickets).where(t.requester_id == requester_id)
        return await read_page(self._conn, stmt, page, _ticket, by=t.created_at, id=t.id)

    async def queue(self, flt: QueueFilter, page: PageRequest) -> Page[SupportTicket]:
        stmt = sa.select(support_tickets)
        if flt.status is not None:
            stmt = stmt.where(t.status == flt.status.value)
        if flt.severity is not None:
            stmt = stmt.where(t.severity == flt.severity.value)
        if flt.unassigned:
            stmt = stmt.where(t.assignee_id.is_(None))
        elif flt.assignee_id is not None:
            stmt = stmt.where(t.assignee_id == flt.assignee_id)
        return await read_page(self._conn, stmt, page, _ticket, by=t.created_at, id=t.id)

    async def lock_requester(self, requester: Requester) -> None:
        # SQLite serialises writers (BEGIN IMMEDIATE); PostgreSQL takes a transaction-scoped
        # advisory lock on the requester, released at commit or rollback.
        if self._conn.dialect.name == "postgresql":
            await self._conn.execute(
                sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(requester.key)))
            )

    async def opened_since(self, requester: Requester, since: datetime) -> list[datetime]:
        stmt = sa.select(t.created_at).where(t.created_at > since)
        if requester.user_id is not None:
            stmt = stmt.where(t.requester_id == requester.user_id)
        elif requester.email is not None:
            stmt = stmt.where(t.requester_id.is_(None), t.requester_email == requester.email)
        else:
            stmt = stmt.where(t.requester_id.is_(None), t.client_ip == requester.client_ip)
        return list((await self._conn.execute(stmt)).scalars())

    async def breached_candidates(self, now: datetime, limit: int) -> list[SupportTicket]:
        stmt = (
            sa.select(support_tickets)
            .where(
                t.breached_at.is_(None),
                t.first_responded_at.is_(None),
                t.status.in_([s.value for s in AWAITING_AGENT]),
                t.first_response_due_at <= now,
            )
            .order_by(t.first_response_due_at, t.id)
            .limit(limit)
        )
        rows = (await self._conn.execute(lock_rows(stmt, self._conn, skip_locked=True))).all()
        return [_ticket(r) for r in rows]
