"""Create, read, edit, soft-delete and join a scope, and list its children: written once.

``add_scope_routes`` adds these routes for one ``ScopeKind``; its ``ScopeRoutes`` says only what
is the kind's own: paths, bodies and summaries, how one is created (an organization has no
parent) and how it is shown. Operation ids stay ``<module>_<verb>_<noun>`` as they always were.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from application.access.scope_types import F  # the change set: OrganizationFields, ScopeFields
from application.access.scope_use_cases import ListChildren
from application.identity.principal import Principal
from domain.access.memberships import Membership
from domain.access.permissions import ScopeKind
from domain.request_context import RequestContext
from entrypoints.http.routes.access.members import add_member_routes
from entrypoints.http.routes.access.use_cases import AccessUseCases
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery, Reply, page_reply
from entrypoints.http.schemas.access import DeletedScopeOut, MembershipOut, membership_out
from entrypoints.http.schemas.base import ApiInput, ApiOutput, PageQuery, shown

In = TypeVar("In", bound=ApiInput)  # the create body
Patch = TypeVar("Patch", bound=ApiInput)  # the edit body
V = TypeVar("V")  # what reading and editing answer (an OrganizationView, a ScopeAccess)
Out = TypeVar("Out", bound=ApiOutput)
S = TypeVar("S")  # a child's summary
C = TypeVar("C", bound=ApiOutput)


class SoftDeleted(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def deleted_at(self) -> datetime | None: ...


# A use case of one kind, as the routes call it (``uc.update_team()`` and the like).
Reads = Callable[[AccessUseCases], Callable[[Principal, str], Awaitable[V]]]
Edits = Callable[[AccessUseCases], Callable[[Principal, str, F, RequestContext], Awaitable[V]]]
R = TypeVar("R")
Acts = Callable[[Principal, str, RequestContext], Awaitable[R]]
Deletes = Callable[[AccessUseCases], Acts[SoftDeleted]]
Joins = Callable[[AccessUseCases], Acts[Membership]]


@dataclass(frozen=True)
class Summaries:
    create: str
    get: str
    update: str
    delete: str
    join: str = ""


@dataclass(frozen=True)
class Children(Generic[S, C]):
    """``GET {scope}/{segment}``: the children the caller may see."""

    segment: str  # "teams", "projects"
    summary: str
    response: type[C]
    list: Callable[[AccessUseCases], ListChildren[S]]
    show: Callable[[S], C]


@dataclass(frozen=True)
class ScopeRoutes(Generic[In, Patch, F, V, Out]):
    kind: ScopeKind
    module: str  # what the operation ids begin with: "organizations", "teams"
    collection: str  # "/api/v1/team": create here, one at "{collection}/{param}"
    param: str  # "teamId"
    body: type[In]
    patch: type[Patch]
    response: type[Out]
    summaries: Summaries
    fields: Callable[[Patch], F]
    create: Callable[[AccessUseCases, Principal, In, RequestContext], Awaitable[V]]
    get: Reads[V]
    update: Edits[F, V]
    delete: Deletes
    show: Callable[[V], Out]
    join: Joins | None = None
    create_rate_limit: str | None = None

    @property
    def one(self) -> str:
        return f"{self.collection}/{{{self.param}}}"


def add_scope_routes(
    routes: ApiRoutes,
    s: ScopeRoutes[In, Patch, F, V, Out],
    children: Children[S, C] | None = None,
) -> None:
    """Create, get, edit, delete; then its children, joining and its members where it has them."""
    noun, one = s.kind.value, s.one

    @routes.post(
        s.collection,
        body=s.body,
        response=s.response,
        status=201,
        rate_limit=s.create_rate_limit,
        summary=s.summaries.create,
        name=f"{s.module}_create_{noun}",
    )
    async def create(call: Call[In, NoQuery], uc: AccessUseCases) -> Out:
        return s.show(await s.create(uc, call.user, call.body, call.context))

    @routes.get(one, response=s.response, summary=s.summaries.get, name=f"{s.module}_get_{noun}")
    async def get(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> Out:
        return s.show(await s.get(uc)(call.user, call.path[s.param]))

    @routes.patch(
        one,
        body=s.patch,
        response=s.response,
        summary=s.summaries.update,
        name=f"{s.module}_update_{noun}",
    )
    async def update(call: Call[Patch, NoQuery], uc: AccessUseCases) -> Out:
        view = await s.update(uc)(call.user, call.path[s.param], s.fields(call.body), call.context)
        return s.show(view)

    @routes.delete(
        one,
        response=DeletedScopeOut,
        summary=s.summaries.delete,
        name=f"{s.module}_delete_{noun}",
    )
    async def delete(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> DeletedScopeOut:
        scope = await s.delete(uc)(call.user, call.path[s.param], call.context)
        return shown(DeletedScopeOut, scope)

    if children is not None:
        _add_children_route(routes, children, s.module, f"{one}/{children.segment}", s.param)

    if s.join is not None:
        join_scope = s.join

        @routes.post(
            f"{one}/join",
            response=MembershipOut,
            status=201,
            summary=s.summaries.join,
            name=f"{s.module}_join_{noun}",
        )
        async def join(call: Call[NoBody, NoQuery], uc: AccessUseCases) -> MembershipOut:
            membership = await join_scope(uc)(call.user, call.path[s.param], call.context)
            return membership_out(membership)

    add_member_routes(routes, s.kind, one, s.param)


def _add_children_route(
    routes: ApiRoutes, children: Children[S, C], module: str, path: str, param: str
) -> None:
    @routes.page(
        path, children.response, summary=children.summary, name=f"{module}_list_{children.segment}"
    )
    async def list_children(call: Call[NoBody, PageQuery], uc: AccessUseCases) -> Reply:
        page = await children.list(uc)(call.user, call.path[param], call.query.paging)
        return page_reply(page, call.query.limit, children.show)
