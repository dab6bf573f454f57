"""Support tickets on every adapter: round trip, threads, pages, queue filters, limits, breaches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from application.pagination import PageRequest, decode_cursor
from application.support.ports import QueueFilter, Requester
from domain.identity.user import User
from domain.ids import new_id
from domain.support.ticket import (
    Severity,
    SupportTicket,
    TicketMessage,
    TicketStatus,
    TicketType,
    Triage,
    TriageSource,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _user(subject: str) -> User:
    return User(new_id(), subject, f"{subject}@example.com", "F", None, None, None, NOW, NOW)


def _ticket(
    requester: User | None,
    at: datetime,
    email: str = "anon@example.com",
    ip: str | None = "203.0.113.9",
) -> SupportTicket:
    return SupportTicket.opened(
        id=new_id(),
        subject="Login fails",
        message="An error on sign in",
        requester_id=requester.id if requester else None,
        requester_email=requester.email if requester and requester.email else email,
        now=at,
        client_ip=ip,
    )


async def test_round_trip_and_thread(contract_uow) -> None:
    asha, agent = _user("asha"), _user("agent")
    ticket = _ticket(asha, NOW)
    async with contract_uow() as u:
        await u.users.add(asha)
        await u.users.add(agent)
        await u.support_tickets.add(ticket)
        await u.commit()
    triaged = ticket.triaged(
        Triage(TicketType.BUG, Severity.HIGH, "Sign-in error", TriageSource.AI), NOW
    ).edited_by_agent(NOW, assignee_id=agent.id, type=TicketType.QUERY)
    note = TicketMessage(new_id(), ticket.id, agent.id, True, "internal", True, NOW)
    public = TicketMessage(new_id(), ticket.id, agent.id, True, "hello", False, NOW)
    async with contract_uow() as u:
        assert await u.support_tickets.get(ticket.id, for_update=True) == ticket
        await u.support_tickets.save(triaged)
        await u.support_tickets.add_message(note)
        await u.support_tickets.add_message(public)
        await u.commit()
    async with contract_uow() as u:
        assert await u.support_tickets.get(ticket.id) == triaged
        assert await u.support_tickets.get("missing") is None
        assert await u.support_tickets.messages(ticket.id, include_internal=False) == [public]
        every = await u.support_tickets.messages(ticket.id, include_internal=True)
        assert {m.id for m in every} == {note.id, public.id}


async def test_pages_filters_and_intake_counts(contract_uow) -> None:
    asha, agent = _user("asha"), _user("agent")
    mine = [_ticket(asha, NOW + timedelta(minutes=i)) for i in range(3)]
    anon = _ticket(None, NOW + timedelta(minutes=5))
    async with contract_uow() as u:
        await u.users.add(asha)
        await u.users.add(agent)
        for t in [*mine, anon]:
            await u.support_tickets.add(t)
        await u.support_tickets.save(
            replace(mine[0], status=TicketStatus.OPEN, severity=Severity.HIGH, assignee_id=agent.id)
        )
        await u.commit()
    async with contract_uow() as u:
        repo = u.support_tickets
        first = await repo.list_for_requester(asha.id, PageRequest(limit=2))
        assert [t.id for t in first.items] == [mine[2].id, mine[1].id]
        rest = await repo.list_for_requester(
            asha.id, PageRequest(limit=2, after=decode_cursor(first.next_cursor))
        )
        assert [t.id for t in rest.items] == [mine[0].id] and rest.next_cursor is None
        everyone = await repo.queue(QueueFilter(), PageRequest())
        assert [t.id for t in everyone.items] == [anon.id, mine[2].id, mine[1].id, mine[0].id]
        flt = QueueFilter(status=TicketStatus.OPEN, severity=Severity.HIGH, assignee_id=agent.id)
        assert [t.id for t in (await repo.queue(flt, PageRequest())).items] == [mine[0].id]
        nobody = await repo.queue(QueueFilter(unassigned=True), PageRequest())
        assert mine[0].id not in {t.id for t in nobody.items} and len(nobody.items) == 3

        since = NOW + timedelta(seconds=30)
        await repo.lock_requester(Requester(user_id=asha.id))
        assert sorted(await repo.opened_since(Requester(user_id=asha.id), since)) == [
            NOW + timedelta(minutes=1),
            NOW + timedelta(minutes=2),
        ]
        assert await repo.opened_since(Requester(email="anon@example.com"), NOW) == [
            anon.created_at
        ]
        assert await repo.opened_since(Requester(client_ip="203.0.113.9"), NOW) == [anon.created_at]
        assert await repo.opened_since(Requester(email="asha@example.com"), NOW) == []


async def test_breach_candidates(contract_uow) -> None:
    late, answered, fresh = _ticket(None, NOW), _ticket(None, NOW), _ticket(None, NOW)
    answered = answered.replied_by_agent(NOW, internal=False)
    fresh = replace(
        fresh, created_at=NOW + timedelta(days=5), first_response_due_at=NOW + timedelta(days=8)
    )
    async with contract_uow() as u:
        for t in (late, answered, fresh):
            await u.support_tickets.add(t)
        await u.commit()
    when = NOW + timedelta(days=4)
    async with contract_uow() as u:
        found = await u.support_tickets.breached_candidates(when, 10)
        assert [t.id for t in found] == [late.id]
        await u.support_tickets.save(found[0].marked_breached(when))
        await u.commit()
    async with contract_uow() as u:
        assert await u.support_tickets.breached_candidates(when, 10) == []
