"""The platform tools, each through the use case (and validation) HTTP uses for the same thing.

Outputs are compact text (the original's "TOON": a ``name[count]{fields}:`` header, then one
tab-separated row per item): fewer tokens than JSON, and the model reads it as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, Protocol

from application.access.organizations import ListMyOrganizations
from application.access.projects import ListProjects
from application.access.teams import ListTeams
from application.assistant.toolbox import ToolCaller, ToolHandler
from application.credits.queries import GetBalance
from application.notifications.inbox import ListNotifications
from application.notifications.ports import NotificationFilter
from application.pagination import PageRequest
from application.payments.plans import ListPlans
from application.profiles.own_profile import GetOwnProfile
from domain.assistant.help_topics import HELP
from domain.assistant.tools import LIST_LIMIT_DEFAULT

PAGE_CONTENT_MAX = 2000
SCOPES_MAX = 20  # organizations (and teams per organization) a listing walks


class ProfileFieldEditor(Protocol):
    """Changes one field of the caller's profile through ``PUT /profile``'s validation and use
    case; raises ``ToolArgumentsInvalid`` with the validation's message when it refuses."""

    async def __call__(self, caller: ToolCaller, field: str, value: Any) -> str: ...


def toon(name: str, fields: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["\t".join("" if v is None else str(v).replace("\t", " ") for v in r) for r in rows]
    return f"{name}[{len(lines)}]{{{','.join(fields)}}}:\n" + "\n".join(lines)


@dataclass(frozen=True, eq=False)
class PlatformTools:
    """One handler per allow-listed tool (``Toolbox`` checks that none is missing)."""

    _: KW_ONLY
    get_own_profile: Callable[[], GetOwnProfile]
    edit_profile_field: ProfileFieldEditor
    list_notifications: Callable[[], ListNotifications]
    list_my_organizations: Callable[[], ListMyOrganizations]
    list_teams: Callable[[], ListTeams]
    list_projects: Callable[[], ListProjects]
    list_plans: Callable[[], ListPlans]
    get_balance: Callable[[], GetBalance]

    def handlers(self) -> Mapping[str, ToolHandler]:
        return {
            "get_user_profile": self.get_user_profile,
            "get_user_organizations": self.get_user_organizations,
            "get_user_teams": self.get_user_teams,
            "get_user_projects": self.get_user_projects,
            "get_user_notifications": self.get_user_notifications,
            "get_user_activity_logs": self.get_user_activity_logs,
            "get_current_page_context": self.get_current_page_context,
            "get_client_debug_info": self.get_client_debug_info,
            "update_user_profile": self.update_user_profile,
            "get_platform_help": self.get_platform_help,
            "get_available_plans": self.get_available_plans,
            "get_credit_balance": self.get_credit_balance,
        }

    async def get_user_profile(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        p = await self.get_own_profile()(caller.principal)
        d = p.details
        rows = [
            ("name", " ".join(x for x in (d.first_name, d.last_name) if x)),
            ("bio", d.bio),
            ("company", d.company),
            ("jobTitle", d.job_title),
            ("location", d.location),
            ("yearsOfExperience", d.years_of_experience),
            ("skills", ", ".join(d.skills)),
            ("interests", ", ".join(d.interests)),
            ("languages", ", ".join(d.languages)),
            ("github", d.github_username),
            ("linkedin", d.linkedin_profile),
            ("twitter", d.twitter_handle),
            ("portfolio", d.portfolio_url),
            ("isPublic", p.privacy.is_public),
        ]
        return toon("profile", ("field", "value"), rows)

    async def _organizations_of(self, caller: ToolCaller) -> list[Any]:
        page = await self.list_my_organizations()(caller.principal, PageRequest(limit=SCOPES_MAX))
        return list(page.items)

    async def get_user_organizations(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        orgs = await self._organizations_of(caller)
        rows = [
            (
                o.organization.name,
                o.organization.slug,
                o.role.name,
                o.member_count,
                o.team_count,
            )
            for o in orgs
        ]
        return toon("organizations", ("name", "slug", "role", "memberCount", "teamCount"), rows)

    async def _teams_of(self, caller: ToolCaller) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        for org in await self._organizations_of(caller):
            page = await self.list_teams()(
                caller.principal, org.organization.id, PageRequest(limit=SCOPES_MAX)
            )
            found += [(org.organization.name, t) for t in page.items]
        return found

    async def get_user_teams(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        rows = [
            (t.team.name, t.team.slug, org, t.member_count, t.project_count)
            for org, t in await self._teams_of(caller)
        ]
        return toon("teams", ("name", "slug", "organization", "memberCount", "projectCount"), rows)

    async def get_user_projects(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        rows = []
        for org, team in await self._teams_of(caller):
            page = await self.list_projects()(
                caller.principal, team.team.id, PageRequest(limit=SCOPES_MAX)
            )
            rows += [(p.project.name, p.project.slug, team.team.name, org) for p in page.items]
        return toon("projects", ("name", "slug", "team", "organization"), rows)

    async def get_user_notifications(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        limit = int(args.get("limit", LIST_LIMIT_DEFAULT))
        page, _ = await self.list_notifications()(
            caller.principal, NotificationFilter(), PageRequest(limit=limit)
        )
        rows = [
            (
                "read" if n.is_read else "unread",
                n.type.value,
                n.title,
                n.message,
                n.created_at.isoformat(),
            )
            for n in page.items
        ]
        return toon("notifications", ("status", "type", "title", "message", "createdAt"), rows)

    async def get_user_activity_logs(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        # The activity log opens only after step-up verification (ADR 0100); the assistant has
        # none to give, so it points the user to the page instead of reading the log for them.
        return (
            "activityLogs[0]{level,action,createdAt}:\n(the activity log needs a step-up "
            "verification: Account settings > Security, POST /api/v1/account-settings/send-otp)"
        )

    async def get_current_page_context(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        page = caller.page_context or {}
        if not page:
            return "No page context was sent with this message."
        content = str(page.get("content") or "")[:PAGE_CONTENT_MAX]
        return toon(
            "page",
            ("route", "title", "content"),
            [(page.get("route"), page.get("title"), content)],
        )

    async def get_client_debug_info(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        info = caller.debug_info or {}
        logs = [str(x)[:200] for x in list(info.get("consoleLogs") or [])[-10:]]
        errors = [str(x)[:300] for x in list(info.get("errors") or [])[-5:]]
        return (
            toon("consoleLogs", ("message",), [(m,) for m in logs])
            + "\n"
            + toon("errors", ("message",), [(m,) for m in errors])
        )

    async def update_user_profile(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        return await self.edit_profile_field(caller, str(args["field"]), args["value"])

    async def get_platform_help(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        return HELP[str(args["topic"])]

    async def get_available_plans(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        plans = await self.list_plans()()
        rows = [
            (p.name, p.plan_id, f"{p.amount / 100:.2f}", p.credits, p.description) for p in plans
        ]
        return toon("plans", ("name", "planId", "priceInr", "credits", "description"), rows)

    async def get_credit_balance(self, caller: ToolCaller, args: Mapping[str, Any]) -> str:
        b = await self.get_balance()(caller.principal.user_id)
        return toon("credits", ("balance", "held", "available"), [(b.balance, b.held, b.available)])
