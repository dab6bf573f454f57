"""Team and project routes (API.md "Teams and projects"); invitations live elsewhere."""

from __future__ import annotations

from application.access.authorizer import ScopeAccess
from application.access.projects import CreateProject, ListProjects
from application.access.roles import ListRoles
from application.access.scope_types import ScopeFields
from application.access.teams import CreateTeam, JoinTeam
from application.identity.principal import Principal
from domain.access.permissions import ScopeKind
from domain.request_context import RequestContext
from entrypoints.http.routes.access.paths import scope_path
from entrypoints.http.routes.access.scopes import (
    Children,
    ScopeRoutes,
    Summaries,
    add_scope_routes,
)
from entrypoints.http.routes.access.use_cases import (
    ProjectUseCases,
    ScopeUseCases,
    TeamUseCases,
)
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.access import (
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    RoleOut,
    ScopePatch,
    TeamIn,
    TeamOut,
    project_out,
    project_summary_out,
    role_out,
    scope_fields,
    team_out,
)

routes = ApiRoutes(tag="teams and projects")


async def _create_team(
    uc: ScopeUseCases[CreateTeam, ScopeFields, ScopeAccess],
    user: Principal,
    body: TeamIn,
    ctx: RequestContext,
) -> ScopeAccess:
    return await uc.create()(user, body.organization_id, scope_fields(body), ctx)


async def _create_project(
    uc: ScopeUseCases[CreateProject, ScopeFields, ScopeAccess],
    user: Principal,
    body: ProjectIn,
    ctx: RequestContext,
) -> ScopeAccess:
    return await uc.create()(user, body.team_id, scope_fields(body), ctx)


add_scope_routes(
    routes,
    ScopeRoutes(
        kind=ScopeKind.TEAM,
        module="teams",
        body=TeamIn,
        patch=ScopePatch,
        response=TeamOut,
        summaries=Summaries(
            create="Create a team (org:teams:create); the creator becomes team Owner",
            get="A team with my role and permissions (team:read)",
            update="Edit a team (team:update)",
            delete="Soft-delete a team and hide its projects (team:delete)",
            join="Join a team with joining enabled (organization members only, as Member)",
        ),
        fields=scope_fields,
        create=_create_team,
        cases=TeamUseCases,
        show=lambda access: team_out(access.team, access),
        join=JoinTeam,
    ),
    Children(
        "projects",
        "Projects of a team the caller may see (filtered in one query)",
        ProjectOut,
        ListProjects,
        project_summary_out,
    ),
)


@routes.get(
    f"{scope_path(ScopeKind.TEAM).one}/roles",
    summary="Roles a team member can hold (team:members:read)",
)
async def team_roles(call: Call[NoBody, NoQuery], list_roles: ListRoles) -> list[RoleOut]:
    roles = await list_roles.for_team(call.user, call.path["teamId"])
    return [role_out(r) for r in roles]


add_scope_routes(
    routes,
    ScopeRoutes(
        kind=ScopeKind.PROJECT,
        module="teams",
        body=ProjectIn,
        patch=ProjectPatch,
        response=ProjectOut,
        summaries=Summaries(
            create="Create a project (team:projects:create); the creator becomes its Owner",
            get="A project (project:read)",
            update="Edit a project (project:update)",
            delete="Soft-delete a project",
        ),
        fields=scope_fields,
        create=_create_project,
        cases=ProjectUseCases,
        show=lambda access: project_out(access.project, access),
    ),
)
