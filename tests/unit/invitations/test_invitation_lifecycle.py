"""The invitation life cycle: expiry, acceptance bound to the e-mail, one answer only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.access.permissions import ScopeKind
from domain.errors import Conflict, Forbidden, Gone, ValidationFailed
from domain.invitations.codes import digest_code
from domain.invitations.errors import InvitationExpired, InvitationUsed
from domain.invitations.invitation import (
    Invitation,
    InvitationStatus,
    InvitationTarget,
    new_invitation,
    parse_status_filter,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TEAM = InvitationTarget.team("org-1", "team-1")


def invite(days: int | None = None, email: str = "Invitee@Example.com") -> Invitation:
    invitation, _ = new_invitation(
        invitation_id="inv-1",
        target=TEAM,
        email=email,
        role_id="role-member",
        invited_by="user-inviter",
        now=NOW,
        expires_in_days=days,
    )
    return invitation


def test_new_invitation_stores_the_digest_and_a_normalised_email() -> None:
    invitation, code = new_invitation(
        invitation_id="inv-1",
        target=TEAM,
        email=" Invitee@Example.com ",
        role_id="r",
        invited_by="u",
        now=NOW,
    )
    assert invitation.code_digest == digest_code(code.plaintext)
    assert code.plaintext not in repr(invitation)
    assert invitation.email == "invitee@example.com"
    assert invitation.expires_at == NOW + timedelta(days=7)
    assert invitation.status_at(NOW) is InvitationStatus.PENDING


@pytest.mark.parametrize("days", [1, 30])
def test_expiry_bounds_are_inclusive(days: int) -> None:
    assert invite(days).expires_at == NOW + timedelta(days=days)


@pytest.mark.parametrize("days", [0, 31, -1, True])
def test_expiry_outside_1_to_30_days_is_rejected(days: int) -> None:
    with pytest.raises(ValidationFailed):
        invite(days)


def test_a_bad_email_is_rejected() -> None:
    with pytest.raises(ValidationFailed):
        invite(email="not-an-address")


def test_an_invitation_expires_exactly_at_expires_at() -> None:
    invitation = invite(1)
    assert (
        invitation.status_at(invitation.expires_at - timedelta(microseconds=1))
        is InvitationStatus.PENDING
    )
    assert invitation.status_at(invitation.expires_at) is InvitationStatus.EXPIRED
    with pytest.raises(InvitationExpired):
        invitation.accept(user_id="u2", email="invitee@example.com", now=invitation.expires_at)


def test_acceptance_is_case_insensitive_and_single_use() -> None:
    used = invite().accept(user_id="u2", email="INVITEE@example.COM", now=NOW)
    assert used.status_at(NOW) is InvitationStatus.USED
    assert (used.closed_by, used.closed_at) == ("u2", NOW)
    # still "used", never "expired", once the date passes
    assert used.status_at(NOW + timedelta(days=60)) is InvitationStatus.USED
    with pytest.raises(InvitationUsed):
        used.accept(user_id="u2", email="invitee@example.com", now=NOW)


def test_someone_else_cannot_accept_or_decline() -> None:
    for answer in (invite().accept, invite().decline):
        with pytest.raises(Forbidden):
            answer(user_id="u3", email="other@example.com", now=NOW)
    with pytest.raises(Forbidden):
        invite().accept(user_id="u3", email=None, now=NOW)


def test_revoking_a_used_invitation_is_a_conflict_and_an_expired_one_may_be_revoked() -> None:
    with pytest.raises(Conflict):
        invite().accept(user_id="u2", email="invitee@example.com", now=NOW).revoke(by="x", now=NOW)
    expired_then_revoked = invite(1).revoke(by="admin", now=NOW + timedelta(days=2))
    assert expired_then_revoked.status_at(NOW + timedelta(days=2)) is InvitationStatus.REVOKED


actions = st.lists(st.sampled_from(["accept", "decline", "revoke", "wrong"]), max_size=6)


@settings(deadline=None)  # timing on a shared CI box is not the property
@given(actions, st.integers(min_value=0, max_value=40))
def test_an_invitation_is_answered_at_most_once(steps: list[str], day: int) -> None:
    """Whatever happens, only the first successful answer changes it; later answers raise."""
    invitation = invite(7)
    now = NOW + timedelta(days=day)
    answered = 0
    for step in steps:
        before = invitation
        try:
            if step == "accept":
                invitation = invitation.accept(user_id="u2", email="invitee@example.com", now=now)
            elif step == "decline":
                invitation = invitation.decline(user_id="u2", email="invitee@example.com", now=now)
            elif step == "revoke":
                invitation = invitation.revoke(by="admin", now=now)
            else:
                invitation = invitation.accept(user_id="u3", email="intruder@example.com", now=now)
        except (Gone, Forbidden, Conflict):
            assert invitation == before
            continue
        answered += 1
        assert step != "wrong"
        if step != "revoke":
            assert day < 7  # answering needs an open invitation
    assert answered <= 1
    if answered:
        assert invitation.state in {
            InvitationStatus.USED,
            InvitationStatus.DECLINED,
            InvitationStatus.REVOKED,
        }


def test_targets_must_be_consistent() -> None:
    assert InvitationTarget.project("o", "t", "p").scope_id == "p"
    assert InvitationTarget.organization("o").scope is ScopeKind.ORGANIZATION
    with pytest.raises(ValueError):
        InvitationTarget(ScopeKind.TEAM, "o")
    with pytest.raises(ValueError):
        InvitationTarget(ScopeKind.ORGANIZATION, "o", team_id="t")


def test_status_filter() -> None:
    assert parse_status_filter(None) is InvitationStatus.PENDING
    assert parse_status_filter("expired") is InvitationStatus.EXPIRED
    assert parse_status_filter("all") is None
    with pytest.raises(ValidationFailed):
        parse_status_filter("everything")
