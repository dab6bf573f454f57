"""Request and response models of organizations, teams, projects, members and roles."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict, TypeVar

from pydantic import Field, StringConstraints

from application.access.authorizer import ScopeAccess
from application.access.ports import MemberView, OrganizationSummary, ProjectSummary, TeamSummary
from application.access.scope_types import OrganizationFields, ScopeFields
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.repository_url import REPOSITORY_URL_MAX
from domain.access.roles import Role
from domain.access.team import Project, Team
from domain.access.visibility import Visibility
from entrypoints.http.schemas.base import ApiInput, ApiOutput, UtcTime, read_fields, shown

OrgSlug = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[a-z0-9-]+$")]
OrgName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ScopeSlug = Annotated[str, StringConstraints(min_length=2, max_length=100, pattern=r"^[a-z0-9-]+$")]
ScopeName = Annotated[str, StringConstraints(min_length=2, max_length=100)]
Description = Annotated[str, StringConstraints(max_length=500)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ScopeType = Literal["organization", "team", "project"]
Timezone = Annotated[str, StringConstraints(max_length=64)]
OrgDescription = Annotated[str, StringConstraints(max_length=1000)]
Website = Annotated[str, StringConstraints(max_length=500)]
LogoUrl = Annotated[str, StringConstraints(max_length=1000)]


class OrganizationIn(ApiInput):
    name: OrgName
    slug: OrgSlug
    is_public: bool = True
    join_enabled: bool = False
    timezone: Timezone | None = None
    description: OrgDescription | None = None
    website: Website | None = None
    logo_url: LogoUrl | None = None


class OrganizationPatch(ApiInput):
    name: OrgName | None = None
    slug: OrgSlug | None = None
    is_public: bool | None = None
    join_enabled: bool | None = None
    timezone: Timezone | None = None
    description: OrgDescription | None = None
    website: Website | None = None
    logo_url: LogoUrl | None = None


class TeamIn(ApiInput):
    organization_id: Id
    name: ScopeName
    slug: ScopeSlug
    visibility: Visibility = Visibility.INTERNAL
    description: Description | None = None
    join_enabled: bool = False


class ScopePatch(ApiInput):
    name: ScopeName | None = None
    slug: ScopeSlug | None = None
    visibility: Visibility | None = None
    description: Description | None = None
    join_enabled: bool | None = None


RepositoryUrl = Annotated[str, StringConstraints(max_length=REPOSITORY_URL_MAX)]


class ProjectIn(ApiInput):
    team_id: Id
    name: ScopeName
    slug: ScopeSlug
    visibility: Visibility = Visibility.INTERNAL
    description: Description | None = None
    repository_url: RepositoryUrl | None = Field(
        default=None, description="https://github.com/<owner>/<repository>"
    )


class ProjectPatch(ScopePatch):
    """``repositoryUrl: null`` (or "") unlinks the repository."""

    repository_url: RepositoryUrl | None = None


def organization_fields(body: OrganizationIn | OrganizationPatch) -> OrganizationFields:
    return read_fields(OrganizationFields, body)


def scope_fields(body: TeamIn | ProjectIn | ScopePatch) -> ScopeFields:
    repository = getattr(body, "repository_url", None)  # projects only
    if repository is None and isinstance(body, ProjectPatch):
        repository = "" if "repository_url" in body.model_fields_set else None
    return read_fields(
        ScopeFields,
        body,
        join_enabled=getattr(body, "join_enabled", None),  # a project has none
        repository_url=repository,
    )


class RoleChangeIn(ApiInput):
    role: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class RoleIn(ApiInput):
    name: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    permissions: list[Annotated[str, StringConstraints(max_length=64)]] = Field(max_length=50)
    scope: ScopeType = "organization"


class RolePatch(ApiInput):
    name: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = None
    permissions: list[Annotated[str, StringConstraints(max_length=64)]] | None = Field(
        default=None, max_length=50
    )


class RoleOut(ApiOutput):
    id: str
    name: str
    scope: ScopeType
    permissions: list[str]
    is_default: bool


class OrganizationOut(ApiOutput):
    id: str
    name: str
    slug: str
    is_public: bool
    join_enabled: bool
    timezone: str | None
    description: str | None
    website: str | None
    logo_url: str | None
    created_at: UtcTime
    updated_at: UtcTime
    my_role: RoleOut | None = None
    my_permissions: list[str] = []
    limited: bool = False


class OrganizationSummaryOut(OrganizationOut):
    member_count: int
    team_count: int


class TeamOut(ApiOutput):
    id: str
    organization_id: str
    name: str
    slug: str
    visibility: Visibility
    description: str | None
    join_enabled: bool
    created_at: UtcTime
    updated_at: UtcTime
    my_role: RoleOut | None = None
    my_permissions: list[str] = []
    member_count: int | None = None
    project_count: int | None = None


class ProjectOut(ApiOutput):
    id: str
    organization_id: str
    team_id: str
    name: str
    slug: str
    visibility: Visibility
    description: str | None
    created_by: str
    created_at: UtcTime
    updated_at: UtcTime
    repository_url: str | None = None
    my_role: RoleOut | None = None
    my_permissions: list[str] = []
    member_count: int | None = None


class MemberOut(ApiOutput):
    user_id: str
    name: str | None
    email: str | None = None
    role: RoleOut
    joined_at: UtcTime


class MembershipOut(ApiOutput):
    user_id: str
    scope: ScopeType
    scope_id: str
    role: RoleOut


class RemovedOut(ApiOutput):
    user_id: str
    removed: list[dict[str, str]]


class DeletedScopeOut(ApiOutput):
    id: str
    deleted_at: UtcTime


def role_out(role: Role) -> RoleOut:
    return shown(
        RoleOut, role, scope=role.scope.value, permissions=sorted(p.value for p in role.permissions)
    )


class _Mine(TypedDict, total=False):
    my_role: RoleOut | None
    my_permissions: list[str]


def _mine(access: ScopeAccess | None) -> _Mine:
    if access is None:
        return {}
    held = access.my_membership
    return {
        "my_role": role_out(held.role) if held else None,
        "my_permissions": sorted(p.value for p in access.permissions),
    }


Org = TypeVar("Org", bound=OrganizationOut)


def _organization(cls: type[Org], org: Organization, *, limited: bool, **extra: Any) -> Org:
    return shown(cls, org, timezone=None if limited else org.timezone, limited=limited, **extra)


def organization_out(org: Organization, access: ScopeAccess | None = None) -> OrganizationOut:
    limited = access is not None and access.my_membership is None
    return _organization(OrganizationOut, org, limited=limited, **_mine(access))


def organization_summary_out(s: OrganizationSummary) -> OrganizationSummaryOut:
    return _organization(
        OrganizationSummaryOut,
        s.organization,
        limited=False,
        my_role=role_out(s.role),
        my_permissions=sorted(p.value for p in s.role.permissions),
        member_count=s.member_count,
        team_count=s.team_count,
    )


def team_out(
    team: Team,
    access: ScopeAccess | None = None,
    *,
    member_count: int | None = None,
    project_count: int | None = None,
) -> TeamOut:
    if access is not None:
        member_count = access.chain.member_count
        project_count = access.chain.child_count
    return shown(
        TeamOut, team, member_count=member_count, project_count=project_count, **_mine(access)
    )


def team_summary_out(s: TeamSummary) -> TeamOut:
    return team_out(s.team, member_count=s.member_count, project_count=s.project_count)


def project_out(
    project: Project, access: ScopeAccess | None = None, *, member_count: int | None = None
) -> ProjectOut:
    if access is not None:
        member_count = access.chain.member_count
    return shown(ProjectOut, project, member_count=member_count, **_mine(access))


def project_summary_out(s: ProjectSummary) -> ProjectOut:
    return project_out(s.project, member_count=s.member_count)


def membership_out(membership: Membership) -> MembershipOut:
    return MembershipOut(
        user_id=membership.user_id,
        scope=membership.scope.kind.value,
        scope_id=membership.scope.id,
        role=role_out(membership.role),
    )


def member_out(m: MemberView, show_email: bool) -> MemberOut:
    return shown(MemberOut, m, email=m.email if show_email else None, role=role_out(m.role))
