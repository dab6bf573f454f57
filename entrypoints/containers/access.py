"""The access context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from typing import Any, TypeVar

from dependency_injector import containers, providers

from application.access import members, organizations, projects, roles, teams
from application.access.authorizer import Authorizer
from application.access.unit_of_work import AccessUnitOfWork
from entrypoints.containers.wiring import serves
from entrypoints.http.routes.access import organizations as organization_routes
from entrypoints.http.routes.access import teams as team_routes
from entrypoints.http.routes.access.use_cases import (
    OrganizationUseCases,
    ProjectUseCases,
    ScopeUseCases,
    TeamUseCases,
)

S = TypeVar("S", bound=ScopeUseCases[Any, Any, Any])


def scope_use_cases(
    kind: type[S],
    create: providers.Provider[Any],
    get: providers.Provider[Any],
    update: providers.Provider[Any],
    delete: providers.Provider[Any],
) -> providers.Singleton[S]:
    """One kind's create, read, edit and delete, as ``add_scope_routes`` runs them."""
    return providers.Singleton(
        kind,
        create=create.provider,
        get=get.provider,
        update=update.provider,
        delete=delete.provider,
    )


class Access(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(AccessUnitOfWork)
    # Only the caller's own list: what a membership allows is read on the primary (ADR 0096).
    read_uow = infrastructure.read_uow.provided.of.call(AccessUnitOfWork)

    authorizer = providers.Singleton(Authorizer)
    create_organization = providers.Factory(organizations.CreateOrganization, uow, core.clock)
    get_organization = providers.Factory(
        organizations.GetOrganization, infrastructure.scope_reads, authorizer
    )
    list_my_organizations = providers.Factory(organizations.ListMyOrganizations, read_uow)
    update_organization = providers.Factory(
        organizations.UpdateOrganization, uow, core.clock, authorizer
    )
    delete_organization = providers.Factory(
        organizations.DeleteOrganization, uow, core.clock, authorizer
    )
    join_organization = providers.Factory(
        organizations.JoinOrganization, uow, core.clock, authorizer
    )
    list_members = providers.Factory(members.ListMembers, uow, authorizer)
    change_member_role = providers.Factory(members.ChangeMemberRole, uow, core.clock, authorizer)
    remove_member = providers.Factory(members.RemoveMember, uow, core.clock, authorizer)
    list_roles = providers.Factory(roles.ListRoles, uow, authorizer)
    create_role = providers.Factory(roles.CreateRole, uow, core.clock, authorizer)
    update_role = providers.Factory(roles.UpdateRole, uow, core.clock, authorizer)
    delete_role = providers.Factory(roles.DeleteRole, uow, core.clock, authorizer)
    create_team = providers.Factory(teams.CreateTeam, uow, core.clock, authorizer)
    get_team = providers.Factory(teams.GetTeam, infrastructure.scope_reads, authorizer)
    update_team = providers.Factory(teams.UpdateTeam, uow, core.clock, authorizer)
    delete_team = providers.Factory(teams.DeleteTeam, uow, core.clock, authorizer)
    list_teams = providers.Factory(
        teams.ListTeams, infrastructure.scope_reads, infrastructure.scope_reads, authorizer
    )
    join_team = providers.Factory(teams.JoinTeam, uow, core.clock, authorizer)
    create_project = providers.Factory(projects.CreateProject, uow, core.clock, authorizer)
    get_project = providers.Factory(projects.GetProject, infrastructure.scope_reads, authorizer)
    update_project = providers.Factory(projects.UpdateProject, uow, core.clock, authorizer)
    delete_project = providers.Factory(projects.DeleteProject, uow, core.clock, authorizer)
    list_projects = providers.Factory(
        projects.ListProjects, infrastructure.scope_reads, infrastructure.scope_reads, authorizer
    )

    organization = scope_use_cases(
        OrganizationUseCases,
        create_organization,
        get_organization,
        update_organization,
        delete_organization,
    )
    team = scope_use_cases(TeamUseCases, create_team, get_team, update_team, delete_team)
    project = scope_use_cases(
        ProjectUseCases, create_project, get_project, update_project, delete_project
    )

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(organization_routes.routes, team_routes.routes)
