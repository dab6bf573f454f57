"""Invariants of the decision function over random worlds (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.access.decision import Outcome, decide, effective_permissions, grants_on
from domain.access.implications import implied_by
from domain.access.list_filters import child_filter
from domain.access.memberships import cascade_removal
from domain.access.permissions import READ_PERMISSION, Permission, ScopeKind
from domain.access.roles import DEFAULT_ROLES
from domain.access.visibility import Visibility
from tests.unit.access.rules.worlds import USERS, World, worlds

CALLERS = (*USERS, "outsider")


def everyones_permissions(world: World) -> dict[tuple[str, str], frozenset[Permission]]:
    return {
        (user, str(node.ref)): effective_permissions(world.principal(user), node)
        for user in CALLERS
        for node in world.nodes
    }


@settings(max_examples=150)
@given(worlds())
def test_implied_permissions_never_exceed_the_implying_role(world: World) -> None:
    """What a role held above gives below is exactly what the implication table says for that
    role — never a permission of another row — and every grant by implication is traceable, link
    by link, to the table."""
    for user in USERS:
        principal = world.principal(user)
        for node in world.nodes:
            for grant in grants_on(principal, node):
                for parent_role, child_role in zip(grant.path, grant.path[1:], strict=False):
                    assert child_role.scope is parent_role.scope.child
                for depth, role in enumerate(grant.path[1:], start=1):
                    visibility = node.chain[depth - len(grant.path)].visibility
                    assert role in implied_by(grant.path[depth - 1], visibility)


def test_weaker_roles_never_imply_more() -> None:
    """Monotone: if role A's permissions are within role B's, A implies no more than B below."""
    for kind in (ScopeKind.ORGANIZATION, ScopeKind.TEAM):
        for weak in DEFAULT_ROLES[kind]:
            for strong in DEFAULT_ROLES[kind]:
                if not weak.permissions <= strong.permissions:
                    continue
                for visibility in Visibility:
                    weak_below = frozenset().union(
                        *(r.permissions for r in implied_by(weak, visibility))
                    )
                    strong_below = frozenset().union(
                        *(r.permissions for r in implied_by(strong, visibility))
                    )
                    assert weak_below <= strong_below, (weak.id, strong.id, visibility)


@settings(max_examples=150)
@given(worlds(), st.data())
def test_removing_a_membership_never_increases_permissions(
    world: World, data: st.DataObject
) -> None:
    if not world.memberships:
        return
    removed = data.draw(st.sampled_from(world.memberships))
    gone = set(cascade_removal(removed, world.memberships))
    after = World(world.nodes, tuple(m for m in world.memberships if m not in gone))
    before_perms, after_perms = everyones_permissions(world), everyones_permissions(after)
    for key, perms in after_perms.items():
        assert perms <= before_perms[key], key


@settings(max_examples=150)
@given(worlds())
def test_no_permission_without_membership_or_public_visibility(world: World) -> None:
    for user in CALLERS:
        principal = world.principal(user)
        for node in world.nodes:
            for permission in Permission:
                if permission.scope is not node.kind:
                    continue
                decision = decide(principal, node, permission)
                if not decision.allowed:
                    continue
                if decision.grant is not None:
                    held = principal.held_on(decision.grant.held_on)
                    assert held is not None and held.role == decision.grant.held
                else:
                    # visibility only ever lets one read, and only a node that is not PRIVATE
                    # under ancestors that are readable
                    assert permission is READ_PERMISSION[node.kind]
                    assert node.visibility is not Visibility.PRIVATE
                    assert not node.hidden
    outsider = world.principal("outsider")
    for node in world.nodes:
        perms = effective_permissions(outsider, node)
        assert perms <= {READ_PERMISSION[node.kind]}
        if perms:
            assert all(n.visibility is Visibility.PUBLIC for n in node.chain)


@settings(max_examples=150)
@given(worlds())
def test_not_found_exactly_when_the_caller_cannot_read(world: World) -> None:
    for user in CALLERS:
        principal = world.principal(user)
        for node in world.nodes:
            readable = decide(principal, node, READ_PERMISSION[node.kind]).allowed
            for permission in Permission:
                if permission.scope is node.kind:
                    outcome = decide(principal, node, permission).outcome
                    assert (outcome is Outcome.NOT_FOUND) == (not readable)


@settings(max_examples=150)
@given(worlds())
def test_list_filter_agrees_with_the_decision_on_every_child(world: World) -> None:
    for user in CALLERS:
        principal = world.principal(user)
        for parent in world.nodes:
            if parent.kind is ScopeKind.PROJECT:
                continue
            flt = child_filter(principal, parent)
            for child in world.nodes:
                if child.parent != parent or child.deleted:
                    continue
                holds = principal.held_on(child.ref) is not None
                listed = flt.admits(child.visibility, holds)
                assert listed == decide(principal, child, READ_PERMISSION[child.kind]).allowed, (
                    user,
                    child.ref,
                )


@settings(max_examples=100)
@given(worlds())
def test_memberships_of_other_organizations_never_grant(world: World) -> None:
    for user in USERS:
        for node in world.nodes:
            org_id = node.organization.ref.id
            foreign = world.principal(user).memberships
            only_foreign = tuple(m for m in foreign if m.organization_id != org_id)
            principal = type(world.principal(user))(user, only_foreign)
            assert grants_on(principal, node) == ()
