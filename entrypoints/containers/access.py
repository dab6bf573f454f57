"""The access context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.access.authorizer import Authorizer
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
from application.access.unit_of_work import AccessUnitOfWork
from entrypoints.http.routes.access import AccessUseCases


class Access(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()

    authorizer = providers.Singleton(Authorizer)
    create_organization = providers.Factory(
        CreateOrganization, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock
    )
    get_organization = providers.Factory(GetOrganization, infrastructure.scope_reads, authorizer)
    list_my_organizations = providers.Factory(
        ListMyOrganizations, infrastructure.uow.provided.of.call(AccessUnitOfWork)
    )
    update_organization = providers.Factory(
        UpdateOrganization,
        infrastructure.uow.provided.of.call(AccessUnitOfWork),
        core.clock,
        authorizer,
    )
    delete_organization = providers.Factory(
        DeleteOrganization,
        infrastructure.uow.provided.of.call(AccessUnitOfWork),
        core.clock,
        authorizer,
    )
    join_organization = providers.Factory(
        JoinOrganization,
        infrastructure.uow.provided.of.call(AccessUnitOfWork),
        core.clock,
        authorizer,
    )
    list_members = providers.Factory(
        ListMembers, infrastructure.uow.provided.of.call(AccessUnitOfWork), authorizer
    )
    change_member_role = providers.Factory(
        ChangeMemberRole,
        infrastructure.uow.provided.of.call(AccessUnitOfWork),
        core.clock,
        authorizer,
    )
    remove_member = providers.Factory(
        RemoveMember, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    list_roles = providers.Factory(
        ListRoles, infrastructure.uow.provided.of.call(AccessUnitOfWork), authorizer
    )
    create_role = providers.Factory(
        CreateRole, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    update_role = providers.Factory(
        UpdateRole, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    delete_role = providers.Factory(
        DeleteRole, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    create_team = providers.Factory(
        CreateTeam, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    get_team = providers.Factory(GetTeam, infrastructure.scope_reads, authorizer)
    update_team = providers.Factory(
        UpdateTeam, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    delete_team = providers.Factory(
        DeleteTeam, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    list_teams = providers.Factory(
        ListTeams, infrastructure.scope_reads, infrastructure.scope_reads, authorizer
    )
    join_team = providers.Factory(
        JoinTeam, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    create_project = providers.Factory(
        CreateProject, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    get_project = providers.Factory(GetProject, infrastructure.scope_reads, authorizer)
    update_project = providers.Factory(
        UpdateProject, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    delete_project = providers.Factory(
        DeleteProject, infrastructure.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    list_projects = providers.Factory(
        ListProjects, infrastructure.scope_reads, infrastructure.scope_reads, authorizer
    )

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = providers.List(
        providers.Singleton(
            AccessUseCases,
            change_member_role=change_member_role.provider,
            create_organization=create_organization.provider,
            create_project=create_project.provider,
            create_role=create_role.provider,
            create_team=create_team.provider,
            delete_organization=delete_organization.provider,
            delete_project=delete_project.provider,
            delete_role=delete_role.provider,
            delete_team=delete_team.provider,
            get_organization=get_organization.provider,
            get_project=get_project.provider,
            get_team=get_team.provider,
            join_organization=join_organization.provider,
            join_team=join_team.provider,
            list_members=list_members.provider,
            list_my_organizations=list_my_organizations.provider,
            list_projects=list_projects.provider,
            list_roles=list_roles.provider,
            list_teams=list_teams.provider,
            remove_member=remove_member.provider,
            update_organization=update_organization.provider,
            update_project=update_project.provider,
            update_role=update_role.provider,
            update_team=update_team.provider,
        ),
    )
