"""Examples of the decision function: who may do what where, and why."""

from __future__ import annotations

from domain.access import roles as r
from domain.access.decision import Outcome, decide, effective_permissions
from domain.access.memberships import AccessPrincipal, Membership
from domain.access.permissions import Permission as P
from domain.access.scopes import organization_node, project_node, team_node
from domain.access.visibility import Visibility

ORG = organization_node("o1", is_public=False)
PUBLIC_ORG = organization_node("o2", is_public=True)
PRIVATE_TEAM = team_node("t1", Visibility.PRIVATE, ORG)
INTERNAL_TEAM = team_node("t2", Visibility.INTERNAL, ORG)
PUBLIC_TEAM = team_node("t3", Visibility.PUBLIC, PUBLIC_ORG)
PRIVATE_PROJECT = project_node("p1", Visibility.PRIVATE, INTERNAL_TEAM)
INTERNAL_PROJECT = project_node("p2", Visibility.INTERNAL, INTERNAL_TEAM)


def who(*memberships: Membership, user: str = "u1") -> AccessPrincipal:
    return AccessPrincipal(user, memberships)


def org_role(role: r.Role, org: str = "o1") -> Membership:
    return Membership("u1", role, org)


def test_deny_by_default_and_not_found_for_outsiders() -> None:
    outsider = who()
    for node, perm in [
        (ORG, P.ORG_READ),
        (PRIVATE_TEAM, P.TEAM_READ),
        (INTERNAL_TEAM, P.TEAM_READ),
        (PRIVATE_PROJECT, P.PROJECT_UPDATE),
    ]:
        decision = decide(outsider, node, perm)
        assert decision.outcome is Outcome.NOT_FOUND
        assert decision.grant is None


def test_anonymous_sees_nothing_even_public() -> None:
    assert decide(AccessPrincipal(None), PUBLIC_ORG, P.ORG_READ).outcome is Outcome.NOT_FOUND
    assert decide(AccessPrincipal(None), PUBLIC_TEAM, P.TEAM_READ).outcome is Outcome.NOT_FOUND


def test_public_org_gives_outsiders_read_only() -> None:
    outsider = who()
    read = decide(outsider, PUBLIC_ORG, P.ORG_READ)
    assert read.allowed and read.grant is None and "PUBLIC" in read.reason
    assert decide(outsider, PUBLIC_ORG, P.ORG_MEMBERS_READ).outcome is Outcome.FORBIDDEN
    assert decide(outsider, PUBLIC_TEAM, P.TEAM_READ).allowed
    assert decide(outsider, PUBLIC_TEAM, P.TEAM_MEMBERS_READ).outcome is Outcome.FORBIDDEN


def test_org_owner_is_owner_everywhere_below_and_says_so() -> None:
    owner = who(org_role(r.ORG_OWNER))
    decision = decide(owner, PRIVATE_PROJECT, P.PROJECT_DELETE)
    assert decision.allowed
    assert decision.grant is not None
    assert [x.id for x in decision.grant.path] == ["org.owner", "team.owner", "project.owner"]
    assert decision.reason == (
        "organization role Owner on organization o1 implies team Owner → project Owner"
    )


def test_org_member_sees_internal_not_private_teams() -> None:
    member = who(org_role(r.ORG_MEMBER))
    assert decide(member, INTERNAL_TEAM, P.TEAM_READ).allowed
    assert decide(member, INTERNAL_TEAM, P.TEAM_UPDATE).outcome is Outcome.FORBIDDEN
    assert decide(member, PRIVATE_TEAM, P.TEAM_READ).outcome is Outcome.NOT_FOUND
    # INTERNAL project = members of the team: an org Member is not one.
    assert decide(member, INTERNAL_PROJECT, P.PROJECT_READ).outcome is Outcome.NOT_FOUND


def test_maintainer_is_team_admin_but_cannot_delete_the_team() -> None:
    maintainer = who(org_role(r.ORG_MAINTAINER))
    assert decide(maintainer, PRIVATE_TEAM, P.TEAM_MEMBERS_MANAGE).allowed
    denied = decide(maintainer, PRIVATE_TEAM, P.TEAM_DELETE)
    assert denied.outcome is Outcome.FORBIDDEN
    assert "Maintainer" in denied.reason and "team Admin" in denied.reason
    assert decide(maintainer, PRIVATE_PROJECT, P.PROJECT_UPDATE).allowed  # Admin → Editor
    assert decide(maintainer, PRIVATE_PROJECT, P.PROJECT_DELETE).outcome is Outcome.FORBIDDEN


def test_team_member_views_non_private_projects_only() -> None:
    member = who(org_role(r.ORG_MEMBER), Membership("u1", r.TEAM_MEMBER, "o1", "t2"))
    assert decide(member, INTERNAL_PROJECT, P.PROJECT_READ).allowed
    assert decide(member, INTERNAL_PROJECT, P.PROJECT_UPDATE).outcome is Outcome.FORBIDDEN
    assert decide(member, PRIVATE_PROJECT, P.PROJECT_READ).outcome is Outcome.NOT_FOUND


def test_direct_and_implied_roles_combine() -> None:
    both = who(org_role(r.ORG_MEMBER), Membership("u1", r.PROJECT_OWNER, "o1", "t2", "p1"))
    assert effective_permissions(both, PRIVATE_PROJECT) == r.PROJECT_OWNER.permissions
    assert decide(both, PRIVATE_PROJECT, P.PROJECT_DELETE).grant is not None


def test_roles_below_lapse_without_org_membership() -> None:
    stray = who(Membership("u1", r.TEAM_OWNER, "o1", "t1"))
    assert decide(stray, PRIVATE_TEAM, P.TEAM_READ).outcome is Outcome.NOT_FOUND


def test_soft_deleted_scopes_grant_nothing() -> None:
    deleted_org = organization_node("o1", is_public=True, deleted=True)
    team = team_node("t1", Visibility.PUBLIC, deleted_org)
    owner = who(org_role(r.ORG_OWNER))
    assert decide(owner, deleted_org, P.ORG_READ).outcome is Outcome.NOT_FOUND
    assert decide(owner, team, P.TEAM_READ).outcome is Outcome.NOT_FOUND
    assert effective_permissions(owner, team) == frozenset()


def test_other_users_memberships_do_not_count() -> None:
    someone_else = AccessPrincipal("u2", (org_role(r.ORG_OWNER),))
    assert decide(someone_else, ORG, P.ORG_READ).outcome is Outcome.NOT_FOUND
