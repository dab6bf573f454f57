"""Hypothesis strategies: small random worlds of organizations, teams, projects and memberships."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from domain.access.memberships import AccessPrincipal, Membership
from domain.access.permissions import Permission as P
from domain.access.permissions import ScopeKind
from domain.access.roles import DEFAULT_ROLES, Role
from domain.access.scopes import ScopeNode, organization_node, project_node, team_node
from domain.access.visibility import Visibility

USERS = ("u0", "u1", "u2", "u3")

CUSTOM_ROLES: dict[ScopeKind, tuple[Role, ...]] = {
    ScopeKind.ORGANIZATION: (
        Role(
            "c.org",
            "Auditor",
            ScopeKind.ORGANIZATION,
            frozenset({P.ORG_READ, P.ORG_AUDIT_READ}),
            "o0",
        ),
    ),
    ScopeKind.TEAM: (
        Role(
            "c.team",
            "Inviter",
            ScopeKind.TEAM,
            frozenset({P.TEAM_READ, P.TEAM_MEMBERS_INVITE}),
            "o0",
        ),
    ),
    ScopeKind.PROJECT: (),
}


def roles_of(kind: ScopeKind) -> tuple[Role, ...]:
    return DEFAULT_ROLES[kind] + CUSTOM_ROLES[kind]


@dataclass(frozen=True)
class World:
    nodes: tuple[ScopeNode, ...]
    memberships: tuple[Membership, ...]

    def principal(self, user_id: str | None) -> AccessPrincipal:
        return AccessPrincipal.of(user_id, self.memberships)

    def node(self, kind: ScopeKind, scope_id: str) -> ScopeNode:
        return next(n for n in self.nodes if n.kind is kind and n.ref.id == scope_id)


visibilities = st.sampled_from(list(Visibility))


@st.composite
def worlds(draw: st.DrawFn, max_teams: int = 3, max_projects: int = 4) -> World:
    nodes: list[ScopeNode] = []
    memberships: list[Membership] = []
    n_orgs = draw(st.integers(1, 2))
    orgs = [
        organization_node(
            f"o{i}",
            is_public=draw(st.booleans()),
            deleted=draw(st.booleans()) and draw(st.booleans()),
        )
        for i in range(n_orgs)
    ]
    nodes += orgs
    teams: list[ScopeNode] = []
    for i in range(draw(st.integers(0, max_teams))):
        org = draw(st.sampled_from(orgs))
        teams.append(
            team_node(f"t{i}", draw(visibilities), org, deleted=draw(st.integers(0, 5)) == 0)
        )
    nodes += teams
    projects: list[ScopeNode] = []
    if teams:
        for i in range(draw(st.integers(0, max_projects))):
            team = draw(st.sampled_from(teams))
            projects.append(
                project_node(
                    f"p{i}", draw(visibilities), team, deleted=draw(st.integers(0, 5)) == 0
                )
            )
    nodes += projects
    for user in USERS:
        for node in nodes:
            if draw(st.integers(0, 2)) != 0:
                continue
            role = draw(st.sampled_from(roles_of(node.kind)))
            chain = node.chain
            memberships.append(
                Membership(
                    user,
                    role,
                    chain[0].ref.id,
                    chain[1].ref.id if len(chain) > 1 else None,
                    chain[2].ref.id if len(chain) > 2 else None,
                )
            )
    return World(tuple(nodes), tuple(memberships))
