"""The use cases these route modules run (built by the context's container)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.access.members import ChangeMemberRole, ListMembers, RemoveMember
from application.access.organizations import (
    CreateOrganization,
    DeleteOrganization,
    GetOrganization,
    JoinOrganization,
    ListMyOrganizations,
    UpdateOrganization,
)
from application.access.projects import (
    CreateProject,
    DeleteProject,
    GetProject,
    ListProjects,
    UpdateProject,
)
from application.access.roles import CreateRole, DeleteRole, ListRoles, UpdateRole
from application.access.teams import (
    CreateTeam,
    DeleteTeam,
    GetTeam,
    JoinTeam,
    ListTeams,
    UpdateTeam,
)


@dataclass(frozen=True)
class AccessUseCases:
    change_member_role: Callable[[], ChangeMemberRole]
    create_organization: Callable[[], CreateOrganization]
    create_project: Callable[[], CreateProject]
    create_role: Callable[[], CreateRole]
    create_team: Callable[[], CreateTeam]
    delete_organization: Callable[[], DeleteOrganization]
    delete_project: Callable[[], DeleteProject]
    delete_role: Callable[[], DeleteRole]
    delete_team: Callable[[], DeleteTeam]
    get_organization: Callable[[], GetOrganization]
    get_project: Callable[[], GetProject]
    get_team: Callable[[], GetTeam]
    join_organization: Callable[[], JoinOrganization]
    join_team: Callable[[], JoinTeam]
    list_members: Callable[[], ListMembers]
    list_my_organizations: Callable[[], ListMyOrganizations]
    list_projects: Callable[[], ListProjects]
    list_roles: Callable[[], ListRoles]
    list_teams: Callable[[], ListTeams]
    remove_member: Callable[[], RemoveMember]
    update_organization: Callable[[], UpdateOrganization]
    update_project: Callable[[], UpdateProject]
    update_role: Callable[[], UpdateRole]
    update_team: Callable[[], UpdateTeam]
