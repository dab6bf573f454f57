""" "Never above your own", as properties of ``power.py`` and the membership rules over random
worlds: a role one may grant — or a custom role one may edit, before and after the edit — never
gives its holder, anywhere, a permission the actor lacks there."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.access import roles as r
from domain.access.decision import effective_permissions
from domain.access.errors import RoleTooStrong
from domain.access.membership_rules import check_grantable, check_role_edit
from domain.access.memberships import AccessPrincipal, Membership
from domain.access.permissions import (
    MEMBERS_INVITE_PERMISSION,
    MEMBERS_MANAGE_PERMISSION,
    PERMISSIONS_BY_SCOPE,
    READ_PERMISSION,
    Permission,
    ScopeKind,
)
from domain.access.power import member_power, positions, role_power
from domain.access.roles import Role
from domain.access.scopes import ScopeNode, organization_node, team_node
from domain.access.visibility import Visibility
from tests.unit.access.rules.worlds import USERS, World, roles_of, worlds

P = Permission
GRANTEE = "grantee"
BOSS = "boss"


@st.composite
def custom_roles(draw: st.DrawFn, kind: ScopeKind | None = None) -> Role:
    scope = kind or draw(st.sampled_from(list(ScopeKind)))
    perms = draw(st.sets(st.sampled_from(sorted(PERMISSIONS_BY_SCOPE[scope]))))
    role_id = f"c-{draw(st.integers(0, 10**6))}"
    return Role(role_id, role_id, scope, frozenset(perms) | {READ_PERMISSION[scope]}, "o0")


def any_role(kind: ScopeKind) -> st.SearchStrategy[Role]:
    return st.one_of(st.sampled_from(roles_of(kind)), custom_roles(kind))


def held_by(user: str, role: Role, node: ScopeNode) -> tuple[Membership, ...]:
    """``role`` on ``node`` and, below an organization, the Member role that accepting an
    invitation adds (roles below an organization lapse without it)."""
    chain = [n.ref.id for n in node.chain]
    held = [Membership(user, role, *chain)]  # type: ignore[arg-type]
    if node.kind is not ScopeKind.ORGANIZATION:
        held.append(Membership(user, r.ORG_MEMBER, chain[0]))
    return tuple(held)


def holding(world: World, role: Role, node: ScopeNode) -> AccessPrincipal:
    return AccessPrincipal.of(GRANTEE, (*world.memberships, *held_by(GRANTEE, role, node)))


@st.composite
def worlds_with_a_custom_manager(draw: st.DrawFn) -> World:
    """A random world plus ``BOSS``, who manages members through a random custom role — the
    kind of actor whose power is not one of the default rows."""
    world = draw(worlds())
    node = draw(st.sampled_from(world.nodes))
    base = draw(custom_roles(node.kind))
    extra = draw(
        st.sets(
            st.sampled_from(
                [MEMBERS_INVITE_PERMISSION[node.kind], MEMBERS_MANAGE_PERMISSION[node.kind]]
            ),
            min_size=1,
        )
    )
    role = Role(base.id, base.name, base.scope, base.permissions | extra, "o0")
    return World(world.nodes, (*world.memberships, *held_by(BOSS, role, node)))


def at_or_below(world: World, node: ScopeNode) -> list[ScopeNode]:
    return [n for n in world.nodes if node in n.chain]


def never_above(
    world: World, actor: AccessPrincipal, grantee: AccessPrincipal, node: ScopeNode
) -> None:
    for place in at_or_below(world, node):
        theirs, mine = effective_permissions(grantee, place), effective_permissions(actor, place)
        assert theirs <= mine, (str(place.ref), sorted(theirs - mine))


def may_hand_out_roles(actor: AccessPrincipal, node: ScopeNode) -> bool:
    held = effective_permissions(actor, node)
    return bool({MEMBERS_INVITE_PERMISSION[node.kind], MEMBERS_MANAGE_PERMISSION[node.kind]} & held)


@settings(max_examples=200)
@given(worlds_with_a_custom_manager(), st.data())
def test_a_role_one_may_grant_gives_nothing_one_lacks_anywhere_below(
    world: World, data: st.DataObject
) -> None:
    able = [
        (world.principal(user), node)
        for user in (*USERS, BOSS)
        for node in world.nodes
        if not node.hidden and may_hand_out_roles(world.principal(user), node)
    ]
    assume(able)
    actor, node = data.draw(st.sampled_from(able))
    role = data.draw(any_role(node.kind))
    try:
        check_grantable(member_power(actor, node), role, node.kind)
    except RoleTooStrong:
        return
    never_above(world, actor, holding(world, role, node), node)


@settings(max_examples=150)
@given(worlds(), st.data())
def test_an_allowed_role_edit_leaves_no_holder_above_the_editor_before_or_after(
    world: World, data: st.DataObject
) -> None:
    """The defect of issue 7: the old check looked at the new permission set only, so a weaker
    member could strip a stronger member's custom role."""
    # Editing roles needs org:roles:manage, which only a role on the organization gives.
    able = [
        (world.principal(user), org)
        for user in USERS
        for org in world.nodes
        if org.kind is ScopeKind.ORGANIZATION
        and P.ORG_ROLES_MANAGE in effective_permissions(world.principal(user), org)
    ]
    assume(able)
    actor, org = data.draw(st.sampled_from(able))
    before = data.draw(custom_roles())
    after = Role(
        before.id, before.name, before.scope, data.draw(custom_roles(before.scope)).permissions
    )
    try:
        check_role_edit(member_power(actor, org), before, after)
    except RoleTooStrong:
        return
    for node in at_or_below(world, org):
        if node.kind is before.scope and not node.hidden:
            never_above(world, actor, holding(world, before, node), node)
            never_above(world, actor, holding(world, after, node), node)


@given(st.sampled_from(list(ScopeKind)).flatmap(lambda k: st.tuples(st.just(k), any_role(k))))
def test_role_power_is_what_holding_the_role_alone_gives(
    kind_and_role: tuple[ScopeKind, Role],
) -> None:
    """``role_power`` agrees with the decision function, visibility reads aside."""
    kind, role = kind_and_role
    node: ScopeNode = organization_node("o0", is_public=False)
    if kind is not ScopeKind.ORGANIZATION:
        node = team_node("t0", Visibility.PRIVATE, node)
    if kind is ScopeKind.PROJECT:
        node = ScopeNode(
            node.ref.__class__(ScopeKind.PROJECT, "p0"), Visibility.PRIVATE, False, node
        )
    chain = [n.ref.id for n in node.chain]
    held = [Membership("u", role, *chain)]  # type: ignore[arg-type]
    if kind is not ScopeKind.ORGANIZATION:
        held.append(
            Membership("u", Role("c-none", "none", ScopeKind.ORGANIZATION, frozenset()), chain[0])
        )
    member = member_power(AccessPrincipal.of("u", held), node)
    granted = role_power(role)
    for where in positions(kind):
        reads = {READ_PERMISSION[p] for p in ScopeKind}
        assert granted.at[where] <= member.at[where]
        assert member.at[where] - granted.at[where] <= reads


def test_a_custom_people_manager_cannot_hand_out_maintainer() -> None:
    """Maintainer's own permissions are within this role's, but Maintainer is also team Admin on
    every team — which the custom role is not."""
    manager = Role(
        "c-people",
        "People manager",
        ScopeKind.ORGANIZATION,
        frozenset(
            {
                P.ORG_READ,
                P.ORG_MEMBERS_READ,
                P.ORG_MEMBERS_INVITE,
                P.ORG_MEMBERS_MANAGE,
                P.ORG_TEAMS_CREATE,
            }
        ),
        "o0",
    )
    assert r.ORG_MAINTAINER.permissions <= manager.permissions
    with pytest.raises(RoleTooStrong):
        check_grantable(role_power(manager), r.ORG_MAINTAINER, ScopeKind.ORGANIZATION)
    check_grantable(role_power(manager), r.ORG_MEMBER, ScopeKind.ORGANIZATION)
    check_grantable(role_power(r.ORG_CO_OWNER), r.ORG_MAINTAINER, ScopeKind.ORGANIZATION)


def test_a_co_owner_can_neither_strip_nor_rename_a_role_above_them() -> None:
    treasurer = Role(
        "c-treasurer",
        "Treasurer",
        ScopeKind.ORGANIZATION,
        frozenset({P.ORG_READ, P.ORG_BILLING_MANAGE}),
        "o0",
    )
    weakened = Role(treasurer.id, treasurer.name, treasurer.scope, frozenset({P.ORG_READ}), "o0")
    renamed = Role(treasurer.id, "Cashier", treasurer.scope, treasurer.permissions, "o0")
    co_owner = role_power(r.ORG_CO_OWNER)
    for after in (weakened, renamed, None):
        with pytest.raises(RoleTooStrong):
            check_role_edit(co_owner, treasurer, after)
    check_role_edit(role_power(r.ORG_OWNER), treasurer, weakened)
    reader = Role("c-reader", "Reader", ScopeKind.ORGANIZATION, frozenset({P.ORG_READ}), "o0")
    check_role_edit(co_owner, reader, None)
    with pytest.raises(RoleTooStrong):
        check_role_edit(co_owner, reader, treasurer)
