"""Organization routes (API.md "Organizations"); invitations and audit live elsewhere."""

from __future__ import annotations

from application.access.organizations import (
    CreateOrganization,
    JoinOrganization,
    ListMyOrganizations,
    OrganizationView,
)
from application.access.ports import OrganizationSummary
from application.access.roles import CreateRole, DeleteRole, ListRoles, UpdateRole
from application.access.scope_types import OrganizationFields
from application.access.teams import ListTeams
from application.identity.principal import Principal
from application.pagination import Page
from domain.access.permissions import ScopeKind
from domain.request_context import RequestContext
from entrypoints.http.routes.access.paths import scope_path
from entrypoints.http.routes.access.scopes import (
    Children,
    ScopeRoutes,
    Summaries,
    add_scope_routes,
)
from entrypoints.http.routes.access.use_cases import OrganizationUseCases, ScopeUseCases
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.access import (
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    OrganizationSummaryOut,
    RoleIn,
    RoleOut,
    RolePatch,
    TeamOut,
    organization_fields,
    organization_out,
    organization_summary_out,
    role_out,
    team_summary_out,
)
from entrypoints.http.schemas.base import PageQuery

routes = ApiRoutes(tag="organizations")
ORG = scope_path(ScopeKind.ORGANIZATION).one


@routes.page(
    "/api/v1/organization",
    OrganizationSummaryOut,
    show=organization_summary_out,
    summary="My organizations with my role, memberCount, teamCount",
)
async def list_organizations(
    call: Call[NoBody, PageQuery], list_my_organizations: ListMyOrganizations
) -> Page[OrganizationSummary]:
    return await list_my_organizations(call.user, call.query.paging)


async def _create(
    uc: ScopeUseCases[CreateOrganization, OrganizationFields, OrganizationView],
    user: Principal,
    body: OrganizationIn,
    ctx: RequestContext,
) -> OrganizationView:
    org = await uc.create()(user, organization_fields(body), ctx)
    return await uc.get()(user, org.id)


def _show(view: OrganizationView) -> OrganizationOut:
    return organization_out(view.organization, view.access)


add_scope_routes(
    routes,
    ScopeRoutes(
        kind=ScopeKind.ORGANIZATION,
        module="organizations",
        body=OrganizationIn,
        patch=OrganizationPatch,
        response=OrganizationOut,
        summaries=Summaries(
            create="Create an organization; the creator becomes Owner",
            get="An organization (org:read; a limited view of a public one for outsiders)",
            update="Edit an organization (org:update)",
            delete="Soft-delete an organization and hide everything below (org:delete)",
            join="Join a public organization that has joining enabled (as Member)",
        ),
        fields=organization_fields,
        cases=OrganizationUseCases,
        create=_create,
        show=_show,
        join=JoinOrganization,
        create_rate_limit="20/hour",
    ),
    Children(
        "teams",
        "Teams of an organization the caller may see (filtered in one query)",
        TeamOut,
        ListTeams,
        team_summary_out,
    ),
)


@routes.get(f"{ORG}/roles", summary="Default and custom roles of every scope (org:read)")
async def list_roles(call: Call[NoBody, NoQuery], list_roles: ListRoles) -> list[RoleOut]:
    roles = await list_roles.for_organization(call.user, call.path["orgId"])
    return [role_out(r) for r in roles]


@routes.post(f"{ORG}/roles", status=201, summary="Create a custom role (org:roles:manage)")
async def create_role(call: Call[RoleIn, NoQuery], create_role: CreateRole) -> RoleOut:
    role = await create_role(
        call.user,
        call.path["orgId"],
        call.body.name,
        ScopeKind(call.body.scope),
        list(call.body.permissions),
        call.context,
    )
    return role_out(role)


@routes.patch(
    f"{ORG}/roles/{{roleId}}",
    summary="Edit a custom role (org:roles:manage); default roles are fixed",
)
async def update_role(call: Call[RolePatch, NoQuery], update_role: UpdateRole) -> RoleOut:
    role = await update_role(
        call.user,
        call.path["orgId"],
        call.path["roleId"],
        call.body.name,
        None if call.body.permissions is None else list(call.body.permissions),
        call.context,
    )
    return role_out(role)


@routes.delete(f"{ORG}/roles/{{roleId}}", summary="Delete an unused custom role (org:roles:manage)")
async def delete_role(call: Call[NoBody, NoQuery], delete_role: DeleteRole) -> RoleOut:
    role = await delete_role(call.user, call.path["orgId"], call.path["roleId"], call.context)
    return role_out(role)
