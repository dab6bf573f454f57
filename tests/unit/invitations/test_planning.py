"""Planning bulk and CSV invitations: one outcome per row, nobody invited twice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.invitations.planning import SkipReason, plan_invitations
from domain.invitations.requests import (
    MAX_BULK_INVITES,
    InviteRow,
    RoleCatalogue,
    bulk_rows,
)

ROLES = RoleCatalogue(
    by_id={"r-owner": "Owner", "r-admin": "Admin", "r-member": "Member"},
    grantable=frozenset({"r-admin", "r-member"}),
)

people = st.sampled_from(
    ["ann@x.com", "ANN@x.com", "bob@x.com", "cy@y.in", "dee@y.in", "eve@z.org"]
)
junk = st.sampled_from(["", "nope", "a@b", " "])
role_refs = st.sampled_from(["Member", "member", "r-admin", "Owner", "ghost", ""])
rows_strategy = st.lists(st.tuples(st.one_of(people, people, junk), role_refs), max_size=30).map(
    lambda pairs: [InviteRow(row=i, email=e, role=r) for i, (e, r) in enumerate(pairs, 1)]
)
email_sets = st.frozensets(st.sampled_from(["ann@x.com", "bob@x.com", "cy@y.in", "eve@z.org"]))


@given(rows_strategy, email_sets, email_sets)
def test_every_row_has_exactly_one_outcome_in_order(
    rows: list[InviteRow], members: frozenset[str], pending: frozenset[str]
) -> None:
    plan = plan_invitations(rows, roles=ROLES, members=members, pending=pending)
    outcomes = [p.row for p in plan.create] + [s.row for s in plan.skipped]
    assert sorted(outcomes) == [r.row for r in rows]
    assert [p.row for p in plan.create] == sorted(p.row for p in plan.create)


@given(rows_strategy, email_sets, email_sets)
def test_nobody_is_invited_twice_or_above_the_inviters_role(
    rows: list[InviteRow], members: frozenset[str], pending: frozenset[str]
) -> None:
    plan = plan_invitations(rows, roles=ROLES, members=members, pending=pending)
    emails = [p.email for p in plan.create]
    assert len(emails) == len(set(emails))
    assert not set(emails) & (members | pending)
    assert all(p.role_id in ROLES.grantable for p in plan.create)
    # Planning again, with what was just created now pending, creates nothing more.
    again = plan_invitations(rows, roles=ROLES, members=members, pending=pending | set(emails))
    assert again.create == ()


@given(rows_strategy)
def test_the_first_well_formed_row_for_an_address_decides(
    rows: list[InviteRow],
) -> None:
    plan = plan_invitations(rows, roles=ROLES, members=frozenset(), pending=frozenset())
    for skipped in plan.skipped:
        if skipped.reason is SkipReason.DUPLICATE:
            earlier = [
                p for p in plan.create if p.email == skipped.email.lower() and p.row < skipped.row
            ]
            assert earlier


def test_reasons_are_reported_per_row() -> None:
    rows = bulk_rows(
        [
            ("new@x.com", "Member"),
            ("member@x.com", "member"),
            ("invited@x.com", "r-admin"),
            ("New@X.com", "Member"),
            ("broken", "Member"),
            ("boss@x.com", "Owner"),
            ("who@x.com", "ghost"),
            ("norole@x.com", " "),
        ]
    )
    plan = plan_invitations(rows, roles=ROLES, members={"member@x.com"}, pending={"invited@x.com"})
    assert [(p.row, p.email, p.role_id) for p in plan.create] == [(1, "new@x.com", "r-member")]
    assert [(s.row, s.reason, s.message) for s in plan.skipped] == [
        (2, SkipReason.ALREADY_MEMBER, "already a member"),
        (3, SkipReason.ALREADY_INVITED, "already has a pending invitation"),
        (4, SkipReason.DUPLICATE, "e-mail repeated in this request"),
        (5, SkipReason.BAD_ROW, "invalid e-mail"),
        (6, SkipReason.BAD_ROW, "role 'Owner' is above your own"),
        (7, SkipReason.BAD_ROW, "unknown role 'ghost'"),
        (8, SkipReason.BAD_ROW, "missing role"),
    ]


def test_bulk_is_limited_to_100_entries() -> None:
    assert len(bulk_rows([("a@x.com", "Member")] * MAX_BULK_INVITES)) == MAX_BULK_INVITES
    with pytest.raises(ValidationFailed):
        bulk_rows([("a@x.com", "Member")] * (MAX_BULK_INVITES + 1))
    with pytest.raises(ValidationFailed):
        bulk_rows([])
