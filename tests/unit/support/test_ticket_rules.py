"""The ticket status machine, the SLA, and what requesters' and agents' actions do to a ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.support.errors import IllegalTicketTransition, TicketClosed
from domain.support.ticket import (
    FIRST_RESPONSE_SLA,
    Severity,
    SupportTicket,
    TicketStatus,
    TicketType,
    Triage,
    TriageSource,
    first_response_due,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
S = TicketStatus

# Every legal edge, written out independently of TRANSITIONS.
LEGAL = {
    (S.NEW, S.OPEN),
    (S.NEW, S.CLOSED),
    (S.OPEN, S.PENDING),
    (S.OPEN, S.RESOLVED),
    (S.OPEN, S.CLOSED),
    (S.PENDING, S.OPEN),
    (S.PENDING, S.RESOLVED),
    (S.PENDING, S.CLOSED),
    (S.RESOLVED, S.OPEN),
    (S.RESOLVED, S.CLOSED),
}


def ticket(status: TicketStatus = S.NEW, **changes: object) -> SupportTicket:
    base = SupportTicket.opened(
        id="t1",
        subject="Cannot log in",
        message="The login page shows an error",
        requester_id="u1",
        requester_email="a@example.com",
        now=NOW,
    )
    from dataclasses import replace

    return replace(base, status=status, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("current", "wanted"), list(product(S, S)))
def test_every_pair_of_statuses(current: TicketStatus, wanted: TicketStatus) -> None:
    later = NOW + timedelta(minutes=5)
    if current is wanted:
        assert ticket(current).moved_to(wanted, later) == ticket(current)
    elif (current, wanted) in LEGAL:
        moved = ticket(current).moved_to(wanted, later)
        assert moved.status is wanted and moved.updated_at == later
    else:
        with pytest.raises(IllegalTicketTransition) as raised:
            ticket(current).moved_to(wanted, later)
        assert raised.value.status == 409 and raised.value.code == "CONFLICT"


def test_closed_is_terminal_and_takes_no_replies() -> None:
    closed = ticket(S.CLOSED)
    with pytest.raises(TicketClosed):
        closed.replied_by_requester(NOW)
    with pytest.raises(TicketClosed):
        closed.replied_by_agent(NOW, internal=False)
    with pytest.raises(TicketClosed):
        closed.replied_by_agent(NOW, internal=True)


@pytest.mark.parametrize(
    ("status", "after"),
    [(S.NEW, S.NEW), (S.OPEN, S.OPEN), (S.PENDING, S.OPEN), (S.RESOLVED, S.OPEN)],
)
def test_a_requester_reply_reopens_pending_and_resolved(
    status: TicketStatus, after: TicketStatus
) -> None:
    assert ticket(status).replied_by_requester(NOW).status is after


def test_a_public_agent_reply_fulfils_the_sla_once_and_opens_a_new_ticket() -> None:
    first = ticket().replied_by_agent(NOW + timedelta(hours=1), internal=False)
    assert first.status is S.OPEN and first.first_responded_at == NOW + timedelta(hours=1)
    second = first.replied_by_agent(NOW + timedelta(hours=2), internal=False)
    assert second.first_responded_at == NOW + timedelta(hours=1)


def test_an_internal_note_changes_nothing_the_requester_sees() -> None:
    noted = ticket().replied_by_agent(NOW + timedelta(hours=1), internal=True)
    assert noted.status is S.NEW and noted.first_responded_at is None


@pytest.mark.parametrize(
    ("severity", "hours"),
    [(Severity.CRITICAL, 1), (Severity.HIGH, 4), (Severity.MEDIUM, 24), (Severity.LOW, 72)],
)
def test_first_response_due_by_severity(severity: Severity, hours: int) -> None:
    assert first_response_due(NOW, severity) == NOW + timedelta(hours=hours)
    assert FIRST_RESPONSE_SLA[severity] == timedelta(hours=hours)


def test_untriaged_tickets_are_held_to_low() -> None:
    assert ticket().first_response_due_at == NOW + timedelta(hours=72)


def test_triage_sets_due_time_and_never_overwrites_an_agent() -> None:
    triage = Triage(TicketType.BUG, Severity.CRITICAL, "Login fails", TriageSource.AI)
    triaged = ticket().triaged(triage, NOW)
    assert triaged.first_response_due_at == NOW + timedelta(hours=1)
    assert (triaged.type, triaged.triage_source) == (TicketType.BUG, TriageSource.AI)
    assert (
        triaged.triaged(Triage(TicketType.OTHER, Severity.LOW, "x" * 10, TriageSource.RULES), NOW)
        == triaged
    )

    agent_set = ticket().edited_by_agent(NOW, severity=Severity.LOW, type=TicketType.QUERY)
    after = agent_set.triaged(triage, NOW)
    assert (after.severity, after.type) == (Severity.LOW, TicketType.QUERY)
    assert after.short_description == "Login fails" and after.triage_source is TriageSource.AI


def test_breach_is_marked_once_and_only_when_owed() -> None:
    late = NOW + timedelta(hours=73)
    assert not ticket().is_breached_at(NOW + timedelta(hours=71))
    marked = ticket().marked_breached(late)
    assert marked.breached_at == late
    assert marked.marked_breached(late + timedelta(hours=1)).breached_at == late
    answered = ticket().replied_by_agent(NOW, internal=False)
    assert not answered.is_breached_at(late)
    assert not ticket(S.RESOLVED).is_breached_at(late)


def test_agent_edits_assign_and_unassign() -> None:
    assigned = ticket().edited_by_agent(NOW, assignee_id="agent")
    assert assigned.assignee_id == "agent"
    assert assigned.edited_by_agent(NOW, unassign=True).assignee_id is None
    assert ticket().edited_by_agent(NOW) == ticket()


@given(st.lists(st.sampled_from(list(S)), max_size=12))
def test_any_walk_only_takes_legal_edges_and_never_leaves_closed(walk: list[TicketStatus]) -> None:
    current = ticket()
    for wanted in walk:
        before = current.status
        try:
            current = current.moved_to(wanted, NOW)
        except IllegalTicketTransition:
            assert (before, wanted) not in LEGAL and before is not wanted
            continue
        assert before is wanted or (before, wanted) in LEGAL
        if before is S.CLOSED:
            assert current.status is S.CLOSED
