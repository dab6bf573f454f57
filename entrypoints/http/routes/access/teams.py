"""Team and project routes (API.md "Teams and projects"); invitations live elsewhere."""

from __future__ import annotations

from application.access.teams import ScopeFields
from application.pagination import page_request
from domain.access.permissions import ScopeKind
from entrypoints.http.routes.access.members import add_member_routes
from entrypoints.http.routes.access.use_cases import AccessUseCases
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery, Reply
from entrypoints.http.schemas.access import (
    DeletedScopeOut,
    MembershipOut,
    ProjectIn,
    ProjectOut,
    RoleOut,
    ScopePatch,
    TeamIn,
    TeamOut,
    project_out,
    project_summary_out,
    role_out,
    team_out,
)
from entrypoints.http.schemas.base import PageQuery

routes = ApiRoutes(tag="teams and projects", uses=AccessUseCases)
TEAM = "/api/v1/team/{teamId}"
PROJECT = "/api/v1/project/{projectId}"


def _fields(body: TeamIn | ProjectIn | ScopePatch) -> ScopeFields:
    return ScopeFields(
        name=body.name,
        slug=body.slug,
        visibility=body.visibility,
        description=body.description,
        join_enabled=getattr(body, "join_enabled", None),
    )


@routes.post(
    "/api/v1/team",
    body=TeamIn,
    response=TeamOut,
    status=201,
    summary="Create a team (org:teams:create); the creator becomes team Owner",
)
async def create_team(call: Call[TeamIn, NoQuery], uc: AccessUseCases) -> TeamOut:
    access = await uc.create_team()(
        call.user, call.body.organization_id, _fields(call.body), call.context
    )
    return team_out(access.team, access)


@routes.get(TEAM, response=TeamOut, summary="A team with my role and permissions (team:read)")
async def get_team(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> TeamOut:
    access = await uc.get_team()(call.user, call.path["teamId"])
    return team_out(access.team, access)


@routes.patch(TEAM, body=ScopePatch, response=TeamOut, summary="Edit a team (team:update)")
async def update_team(call: Call[ScopePatch, NoQuery], uc: AccessUseCases) -> TeamOut:
    access = await uc.update_team()(
        call.user, call.path["teamId"], _fields(call.body), call.context
    )
    return team_out(access.team, access)


@routes.delete(
    TEAM, response=DeletedScopeOut, summary="Soft-delete a team and hide its projects (team:delete)"
)
async def delete_team(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> DeletedScopeOut:
    team = await uc.delete_team()(call.user, call.path["teamId"], call.context)
    assert team.deleted_at is not None
    return DeletedScopeOut(id=team.id, deleted_at=team.deleted_at)


@routes.get(
    f"{TEAM}/roles",
    response=list[RoleOut],
    summary="Roles a team member can hold (team:members:read)",
)
async def team_roles(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> list[RoleOut]:
    roles = await uc.list_roles().for_team(call.user, call.path["teamId"])
    return [role_out(r) for r in roles]


@routes.get(
    f"{TEAM}/projects",
    query=PageQuery,
    response=list[ProjectOut],
    paginated=True,
    summary="Projects of a team the caller may see (filtered in one query)",
)
async def list_projects(call: Call[NoBody, PageQuery], uc: AccessUseCases) -> Reply:
    page = await uc.list_projects()(
        call.user, call.path["teamId"], page_request(call.query.limit, call.query.cursor)
    )
    return Reply(
        [project_summary_out(s) for s in page.items],
        meta={"limit": call.query.limit, "nextCursor": page.next_cursor},
    )


@routes.post(
    f"{TEAM}/join",
    response=MembershipOut,
    status=201,
    summary="Join a team with joining enabled (organization members only, as Member)",
)
async def join_team(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> MembershipOut:
    membership = await uc.join_team()(call.user, call.path["teamId"], call.context)
    return MembershipOut(
        user_id=membership.user_id,
        scope="team",
        scope_id=membership.scope.id,
        role=role_out(membership.role),
    )


add_member_routes(routes, ScopeKind.TEAM, TEAM, "teamId")


@routes.post(
    "/api/v1/project",
    body=ProjectIn,
    response=ProjectOut,
    status=201,
    summary="Create a project (team:projects:create); the creator becomes its Owner",
)
async def create_project(call: Call[ProjectIn, NoQuery], uc: AccessUseCases) -> ProjectOut:
    access = await uc.create_project()(
        call.user, call.body.team_id, _fields(call.body), call.context
    )
    return project_out(access.project, access)


@routes.get(PROJECT, response=ProjectOut, summary="A project (project:read)")
async def get_project(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> ProjectOut:
    access = await uc.get_project()(call.user, call.path["projectId"])
    return project_out(access.project, access)


@routes.patch(
    PROJECT, body=ScopePatch, response=ProjectOut, summary="Edit a project (project:update)"
)
async def update_project(call: Call[ScopePatch, NoQuery], uc: AccessUseCases) -> ProjectOut:
    access = await uc.update_project()(
        call.user, call.path["projectId"], _fields(call.body), call.context
    )
    return project_out(access.project, access)


@routes.delete(PROJECT, response=DeletedScopeOut, summary="Soft-delete a project")
async def delete_project(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> DeletedScopeOut:
    project = await uc.delete_project()(call.user, call.path["projectId"], call.context)
    assert project.deleted_at is not None
    return DeletedScopeOut(id=project.id, deleted_at=project.deleted_at)


add_member_routes(routes, ScopeKind.PROJECT, PROJECT, "projectId")
