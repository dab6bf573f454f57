"""Organization routes (API.md "Organizations"); invitations and audit live elsewhere."""

from __future__ import annotations

from application.access.organizations import OrganizationFields
from application.pagination import page_request
from domain.access.permissions import ScopeKind
from entrypoints.http.routes.access.members import add_member_routes
from entrypoints.http.routes.access.use_cases import AccessUseCases
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery, Reply
from entrypoints.http.schemas.access import (
    DeletedScopeOut,
    MembershipOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    OrganizationSummaryOut,
    RoleIn,
    RoleOut,
    RolePatch,
    TeamOut,
    organization_out,
    organization_summary_out,
    role_out,
    team_summary_out,
)
from entrypoints.http.schemas.base import PageQuery

routes = ApiRoutes(tag="organizations", uses=AccessUseCases)
ORG = "/api/v1/organization/{orgId}"


def _fields(body: OrganizationIn | OrganizationPatch) -> OrganizationFields:
    return OrganizationFields(
        name=body.name,
        slug=body.slug,
        is_public=body.is_public,
        join_enabled=body.join_enabled,
        timezone=body.timezone,
        description=body.description,
        website=body.website,
        logo_url=body.logo_url,
    )


@routes.get(
    "/api/v1/organization",
    query=PageQuery,
    response=list[OrganizationSummaryOut],
    paginated=True,
    summary="My organizations with my role, memberCount, teamCount",
)
async def list_organizations(call: Call[NoBody, PageQuery], uc: AccessUseCases) -> Reply:
    page = await uc.list_my_organizations()(
        call.user, page_request(call.query.limit, call.query.cursor)
    )
    return Reply(
        [organization_summary_out(s) for s in page.items],
        meta={"limit": call.query.limit, "nextCursor": page.next_cursor},
    )


@routes.post(
    "/api/v1/organization",
    body=OrganizationIn,
    response=OrganizationOut,
    status=201,
    rate_limit="20/hour",
    summary="Create an organization; the creator becomes Owner",
)
async def create_organization(
    call: Call[OrganizationIn, NoQuery], uc: AccessUseCases
) -> OrganizationOut:
    org = await uc.create_organization()(call.user, _fields(call.body), call.context)
    view = await uc.get_organization()(call.user, org.id)
    return organization_out(org, view.access)


@routes.get(
    ORG,
    response=OrganizationOut,
    summary="An organization (org:read; a limited view of a public one for outsiders)",
)
async def get_organization(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> OrganizationOut:
    view = await uc.get_organization()(call.user, call.path["orgId"])
    return organization_out(view.organization, view.access)


@routes.patch(
    ORG,
    body=OrganizationPatch,
    response=OrganizationOut,
    summary="Edit an organization (org:update)",
)
async def update_organization(
    call: Call[OrganizationPatch, NoQuery], uc: AccessUseCases
) -> OrganizationOut:
    view = await uc.update_organization()(
        call.user, call.path["orgId"], _fields(call.body), call.context
    )
    return organization_out(view.organization, view.access)


@routes.delete(
    ORG,
    response=DeletedScopeOut,
    summary="Soft-delete an organization and hide everything below (org:delete)",
)
async def delete_organization(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> DeletedScopeOut:
    org = await uc.delete_organization()(call.user, call.path["orgId"], call.context)
    assert org.deleted_at is not None
    return DeletedScopeOut(id=org.id, deleted_at=org.deleted_at)


@routes.get(
    f"{ORG}/teams",
    query=PageQuery,
    response=list[TeamOut],
    paginated=True,
    summary="Teams of an organization the caller may see (filtered in one query)",
)
async def list_teams(call: Call[NoBody, PageQuery], uc: AccessUseCases) -> Reply:
    page = await uc.list_teams()(
        call.user, call.path["orgId"], page_request(call.query.limit, call.query.cursor)
    )
    return Reply(
        [team_summary_out(s) for s in page.items],
        meta={"limit": call.query.limit, "nextCursor": page.next_cursor},
    )


@routes.post(
    f"{ORG}/join",
    response=MembershipOut,
    status=201,
    summary="Join a public organization that has joining enabled (as Member)",
)
async def join_organization(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> MembershipOut:
    membership = await uc.join_organization()(call.user, call.path["orgId"], call.context)
    return MembershipOut(
        user_id=membership.user_id,
        scope="organization",
        scope_id=membership.organization_id,
        role=role_out(membership.role),
    )


add_member_routes(routes, ScopeKind.ORGANIZATION, ORG, "orgId")


@routes.get(
    f"{ORG}/roles",
    response=list[RoleOut],
    summary="Default and custom roles of every scope (org:read)",
)
async def list_roles(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> list[RoleOut]:
    roles = await uc.list_roles().for_organization(call.user, call.path["orgId"])
    return [role_out(r) for r in roles]


@routes.post(
    f"{ORG}/roles",
    body=RoleIn,
    response=RoleOut,
    status=201,
    summary="Create a custom role (org:roles:manage)",
)
async def create_role(call: Call[RoleIn, NoQuery], uc: AccessUseCases) -> RoleOut:
    role = await uc.create_role()(
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
    body=RolePatch,
    response=RoleOut,
    summary="Edit a custom role (org:roles:manage); default roles are fixed",
)
async def update_role(call: Call[RolePatch, NoQuery], uc: AccessUseCases) -> RoleOut:
    role = await uc.update_role()(
        call.user,
        call.path["orgId"],
        call.path["roleId"],
        call.body.name,
        None if call.body.permissions is None else list(call.body.permissions),
        call.context,
    )
    return role_out(role)


@routes.delete(
    f"{ORG}/roles/{{roleId}}",
    response=RoleOut,
    summary="Delete an unused custom role (org:roles:manage)",
)
async def delete_role(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> RoleOut:
    role = await uc.delete_role()(call.user, call.path["orgId"], call.path["roleId"], call.context)
    return role_out(role)
