"""Granting, changing and removing roles: the last-Owner rule and "nobody grants above
themselves", as examples and as a state machine over any sequence of changes."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.access import roles as r
from domain.access.errors import LastOwner, PermissionDenied, RoleTooStrong
from domain.access.membership_rules import check_removal, check_role_change
from domain.access.memberships import AccessPrincipal, Membership, cascade_removal
from domain.access.permissions import ScopeKind
from domain.access.power import member_power, role_power
from domain.access.roles import DEFAULT_ROLES
from domain.access.scopes import organization_node, team_node
from domain.access.visibility import Visibility
from domain.errors import DomainError
from tests.unit.access.rules.worlds import CUSTOM_ROLES

ORG = organization_node("o0", is_public=True)
TEAM = team_node("t0", Visibility.PRIVATE, ORG)
ORG_P = {role.id: role.permissions for role in DEFAULT_ROLES[ScopeKind.ORGANIZATION]}


def change(actor: r.Role, current: r.Role, new: r.Role, owners: int = 2) -> None:
    check_role_change(
        actor=role_power(actor),
        scope=ScopeKind.ORGANIZATION,
        current=current,
        new=new,
        owner_count=owners,
    )


def test_owner_may_make_another_owner() -> None:
    change(r.ORG_OWNER, r.ORG_MEMBER, r.ORG_OWNER)


def test_co_owner_cannot_grant_owner_nor_touch_an_owner() -> None:
    with pytest.raises(RoleTooStrong):
        change(r.ORG_CO_OWNER, r.ORG_MEMBER, r.ORG_OWNER)
    with pytest.raises(RoleTooStrong):
        change(r.ORG_CO_OWNER, r.ORG_OWNER, r.ORG_MEMBER)
    change(r.ORG_CO_OWNER, r.ORG_MEMBER, r.ORG_CO_OWNER)


def test_maintainer_cannot_manage_members() -> None:
    with pytest.raises(PermissionDenied):
        change(r.ORG_MAINTAINER, r.ORG_MEMBER, r.ORG_MEMBER)


def test_last_owner_can_neither_be_demoted_nor_leave() -> None:
    with pytest.raises(LastOwner):
        change(r.ORG_OWNER, r.ORG_OWNER, r.ORG_CO_OWNER, owners=1)
    with pytest.raises(LastOwner):
        check_removal(
            actor_id="u1",
            actor=role_power(r.ORG_OWNER),
            target_id="u1",
            scope=ScopeKind.ORGANIZATION,
            current=r.ORG_OWNER,
            owner_count=1,
        )
    check_removal(
        actor_id="u1",
        actor=role_power(r.ORG_OWNER),
        target_id="u1",
        scope=ScopeKind.ORGANIZATION,
        current=r.ORG_OWNER,
        owner_count=2,
    )


def test_anyone_may_leave() -> None:
    check_removal(
        actor_id="u2",
        actor=role_power(r.ORG_MEMBER),
        target_id="u2",
        scope=ScopeKind.ORGANIZATION,
        current=r.ORG_MEMBER,
        owner_count=1,
    )


def test_implied_team_admin_cannot_grant_team_owner() -> None:
    maintainer = AccessPrincipal("u1", (Membership("u1", r.ORG_MAINTAINER, "o0"),))
    power = member_power(maintainer, TEAM)
    check_role_change(
        actor=power,
        scope=ScopeKind.TEAM,
        current=r.TEAM_MEMBER,
        new=r.TEAM_ADMIN,
        owner_count=0,
    )
    with pytest.raises(RoleTooStrong):
        check_role_change(
            actor=power,
            scope=ScopeKind.TEAM,
            current=r.TEAM_MEMBER,
            new=r.TEAM_OWNER,
            owner_count=0,
        )


def test_removing_an_org_member_removes_their_roles_below() -> None:
    org_m = Membership("u1", r.ORG_MEMBER, "o0")
    team_m = Membership("u1", r.TEAM_MEMBER, "o0", "t0")
    proj_m = Membership("u1", r.PROJECT_VIEWER, "o0", "t0", "p0")
    other = Membership("u2", r.TEAM_MEMBER, "o0", "t0")
    elsewhere = Membership("u1", r.ORG_OWNER, "o9")
    everything = (org_m, team_m, proj_m, other, elsewhere)
    assert set(cascade_removal(org_m, everything)) == {org_m, team_m, proj_m}
    assert set(cascade_removal(team_m, everything)) == {team_m, proj_m}


USERS = ("u0", "u1", "u2", "u3", "u4")
ORG_ROLES = DEFAULT_ROLES[ScopeKind.ORGANIZATION] + CUSTOM_ROLES[ScopeKind.ORGANIZATION]
TEAM_ROLES = DEFAULT_ROLES[ScopeKind.TEAM] + CUSTOM_ROLES[ScopeKind.TEAM]


class OrganizationMembers(RuleBasedStateMachine):
    """Random joins, role changes and removals by random actors, each applied only when the rules
    allow it. The organization never runs out of Owners and nobody ends up above their granter."""

    def __init__(self) -> None:
        super().__init__()
        self.memberships: set[Membership] = {Membership("u0", r.ORG_OWNER, "o0")}

    def principal(self, user: str) -> AccessPrincipal:
        return AccessPrincipal.of(user, self.memberships)

    def held(self, user: str, node_kind: ScopeKind) -> Membership | None:
        node = ORG if node_kind is ScopeKind.ORGANIZATION else TEAM
        return self.principal(user).held_on(node.ref)

    def owners(self) -> int:
        return sum(
            1 for m in self.memberships if m.role.id == r.OWNER_ROLE_ID and m.team_id is None
        )

    @rule(user=st.sampled_from(USERS))
    def join(self, user: str) -> None:
        if self.held(user, ScopeKind.ORGANIZATION) is None:
            self.memberships.add(Membership(user, r.ORG_MEMBER, "o0"))

    @rule(
        actor=st.sampled_from(USERS),
        subject=st.sampled_from(USERS),
        role=st.sampled_from(ORG_ROLES),
    )
    def change_org_role(self, actor: str, subject: str, role: r.Role) -> None:
        current = self.held(subject, ScopeKind.ORGANIZATION)
        if current is None:
            return
        power = member_power(self.principal(actor), ORG)
        try:
            check_role_change(
                actor=power,
                scope=ScopeKind.ORGANIZATION,
                current=current.role,
                new=role,
                owner_count=self.owners(),
            )
        except DomainError:
            return
        assert role.permissions <= power.here and power.covers(current.role)
        self.memberships.remove(current)
        self.memberships.add(Membership(subject, role, "o0"))

    @rule(
        actor=st.sampled_from(USERS),
        subject=st.sampled_from(USERS),
        role=st.sampled_from(TEAM_ROLES),
    )
    def set_team_role(self, actor: str, subject: str, role: r.Role) -> None:
        if self.held(subject, ScopeKind.ORGANIZATION) is None:
            return
        current = self.held(subject, ScopeKind.TEAM)
        power = member_power(self.principal(actor), TEAM)
        try:
            check_role_change(
                actor=power,
                scope=ScopeKind.TEAM,
                current=current.role if current else r.TEAM_MEMBER,
                new=role,
                owner_count=0,
            )
        except DomainError:
            return
        assert role.permissions <= power.here
        if current:
            self.memberships.remove(current)
        self.memberships.add(Membership(subject, role, "o0", "t0"))

    @rule(actor=st.sampled_from(USERS), subject=st.sampled_from(USERS))
    def remove(self, actor: str, subject: str) -> None:
        current = self.held(subject, ScopeKind.ORGANIZATION)
        if current is None:
            return
        power = member_power(self.principal(actor), ORG)
        try:
            check_removal(
                actor_id=actor,
                actor=power,
                target_id=subject,
                scope=ScopeKind.ORGANIZATION,
                current=current.role,
                owner_count=self.owners(),
            )
        except DomainError:
            return
        self.memberships -= set(cascade_removal(current, self.memberships))

    @invariant()
    def at_least_one_owner(self) -> None:
        assert self.owners() >= 1

    @invariant()
    def no_team_role_without_org_membership(self) -> None:
        for m in self.memberships:
            if m.team_id is not None:
                assert self.held(m.user_id, ScopeKind.ORGANIZATION) is not None


OrganizationMembers.TestCase.settings = settings(max_examples=150, stateful_step_count=30)
TestOrganizationMembers = OrganizationMembers.TestCase
