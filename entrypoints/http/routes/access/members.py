"""Member routes shared by the three scopes: list, change role, remove (or leave)."""

from __future__ import annotations

from typing import Literal

from application.access.members import ChangeMemberRole, ListMembers, RemoveMember
from domain.access.permissions import ScopeKind
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery, Reply, page_reply
from entrypoints.http.schemas.access import (
    MemberOut,
    MembershipOut,
    RemovedOut,
    RoleChangeIn,
    member_out,
    membership_out,
)
from entrypoints.http.schemas.base import PageQuery


def add_member_routes(routes: ApiRoutes, kind: ScopeKind, base: str, param: str) -> None:
    """``GET {base}/members``, ``PATCH/DELETE {base}/members/{userId}`` for scopes of ``kind``."""
    noun: Literal["organization", "team", "project"] = kind.value

    @routes.page(
        f"{base}/members",
        MemberOut,
        summary=f"Members of a {noun} ({noun}:members:read; e-mail with :manage)",
    )
    async def list_members(call: Call[NoBody, PageQuery], list_members: ListMembers) -> Reply:
        result = await list_members(call.user, kind, call.path[param], call.query.paging)
        return page_reply(result.page, call.query.limit, lambda m: member_out(m, result.show_email))

    @routes.patch(
        f"{base}/members/{{userId}}",
        summary=f"Change a {noun} member's role (never above your own)",
    )
    async def change_role(
        call: Call[RoleChangeIn, NoQuery], change_member_role: ChangeMemberRole
    ) -> MembershipOut:
        membership = await change_member_role(
            call.user, kind, call.path[param], call.path["userId"], call.body.role, call.context
        )
        return membership_out(membership)

    @routes.delete(
        f"{base}/members/{{userId}}",
        summary=f"Remove a {noun} member, or leave (your own id); roles below go too",
    )
    async def remove_member(call: Call[NoBody, NoQuery], remove_member: RemoveMember) -> RemovedOut:
        removed = await remove_member(
            call.user, kind, call.path[param], call.path["userId"], call.context
        )
        return RemovedOut(
            user_id=call.path["userId"],
            removed=[{"scope": m.scope.kind.value, "id": m.scope.id} for m in removed],
        )
