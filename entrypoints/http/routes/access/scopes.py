"""Create, read, edit, soft-delete and join a scope, and list its children: written once.

``add_scope_routes`` adds these routes for one ``ScopeKind`` at its paths (``paths.py``); its
``ScopeRoutes`` says only what is the kind's own: bodies and summaries, its use cases, how one is
created (an organization has no parent) and how it is shown. Operation ids stay
``<module>_<verb>_<noun>`` as they always were.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from application.access.scope_types import F  # the change set: OrganizationFields, ScopeFields
from application.access.scope_use_cases import ListChildren
from application.identity.principal import Principal
from application.pagination import Page
from domain.access.permissions import ScopeKind
from domain.request_context import RequestContext
from entrypoints.http.routes.access.members import add_member_routes
from entrypoints.http.routes.access.paths import scope_path
from entrypoints.http.routes.access.use_cases import C, Joins, ScopeUseCases, V
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.access import DeletedScopeOut, MembershipOut, membership_out
from entrypoints.http.schemas.base import ApiInput, ApiOutput, PageQuery, shown

In = TypeVar("In", bound=ApiInput)  # the create body
Patch = TypeVar("Patch", bound=ApiInput)  # the edit body
Out = TypeVar("Out", bound=ApiOutput)
S = TypeVar("S")  # a child's summary
Ch = TypeVar("Ch", bound=ApiOutput)


@dataclass(frozen=True)
class Summaries:
    create: str
    get: str
    update: str
    delete: str
    join: str = ""


@dataclass(frozen=True)
class Children(Generic[S, Ch]):
    """``GET {scope}/{segment}``: the children the caller may see."""

    segment: str  # "teams", "projects"
    summary: str
    response: type[Ch]
    list: type[ListChildren[S]]
    show: Callable[[S], Ch]


@dataclass(frozen=True)
class ScopeRoutes(Generic[In, Patch, C, F, V, Out]):
    kind: ScopeKind
    module: str  # what the operation ids begin with: "organizations", "teams"
    body: type[In]
    patch: type[Patch]
    response: type[Out]
    summaries: Summaries
    fields: Callable[[Patch], F]
    cases: type[ScopeUseCases[C, F, V]]  # OrganizationUseCases, TeamUseCases…
    create: Callable[[ScopeUseCases[C, F, V], Principal, In, RequestContext], Awaitable[V]]
    show: Callable[[V], Out]
    join: type[Joins] | None = None
    create_rate_limit: str | None = None


def add_scope_routes(
    routes: ApiRoutes,
    s: ScopeRoutes[In, Patch, C, F, V, Out],
    children: Children[S, Ch] | None = None,
) -> None:
    """Create, get, edit, delete; then its children, joining and its members where it has them."""
    noun, path = s.kind.value, scope_path(s.kind)
    one, param = path.one, path.param

    @routes.post(
        path.collection,
        body=s.body,
        response=s.response,
        status=201,
        rate_limit=s.create_rate_limit,
        summary=s.summaries.create,
        name=f"{s.module}_create_{noun}",
        runs={"cases": s.cases},
    )
    async def create(call: Call[In, NoQuery], cases: ScopeUseCases[C, F, V]) -> Out:
        return s.show(await s.create(cases, call.user, call.body, call.context))

    @routes.get(
        one,
        response=s.response,
        summary=s.summaries.get,
        name=f"{s.module}_get_{noun}",
        runs={"cases": s.cases},
    )
    async def get(call: Call[NoBody, NoQuery], cases: ScopeUseCases[C, F, V]) -> Out:
        return s.show(await cases.get()(call.user, call.path[param]))

    @routes.patch(
        one,
        body=s.patch,
        response=s.response,
        summary=s.summaries.update,
        name=f"{s.module}_update_{noun}",
        runs={"cases": s.cases},
    )
    async def update(call: Call[Patch, NoQuery], cases: ScopeUseCases[C, F, V]) -> Out:
        update = cases.update()
        return s.show(await update(call.user, call.path[param], s.fields(call.body), call.context))

    @routes.delete(
        one, summary=s.summaries.delete, name=f"{s.module}_delete_{noun}", runs={"cases": s.cases}
    )
    async def delete(call: Call[NoBody, NoQuery], cases: ScopeUseCases[C, F, V]) -> DeletedScopeOut:
        scope = await cases.delete()(call.user, call.path[param], call.context)
        return shown(DeletedScopeOut, scope)

    if children is not None:
        _add_children_route(routes, children, s.module, f"{one}/{children.segment}", param)

    if s.join is not None:

        @routes.post(
            f"{one}/join",
            status=201,
            summary=s.summaries.join,
            name=f"{s.module}_join_{noun}",
            runs={"join_scope": s.join},
        )
        async def join(call: Call[NoBody, NoQuery], join_scope: Joins) -> MembershipOut:
            membership = await join_scope(call.user, call.path[param], call.context)
            return membership_out(membership)

    add_member_routes(routes, s.kind, one, param)


def _add_children_route(
    routes: ApiRoutes, children: Children[S, Ch], module: str, path: str, param: str
) -> None:
    @routes.page(
        path,
        children.response,
        show=children.show,
        summary=children.summary,
        name=f"{module}_list_{children.segment}",
        runs={"visible": children.list},
    )
    async def list_children(call: Call[NoBody, PageQuery], visible: ListChildren[S]) -> Page[S]:
        return await visible(call.user, call.path[param], call.query.paging)
