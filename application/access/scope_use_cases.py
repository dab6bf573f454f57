"""Create, read, edit, soft-delete, join and list scopes: written once for any ``ScopeKind``.

Each concrete use case (``CreateTeam``, ``DeleteProject``…) names its ``ScopeType`` and, where the
kinds really differ, says so in its own class: an organization has no parent to authorize its
creation against, and answers with its own view rather than a re-read ``ScopeAccess``."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Generic, TypeVar

from application.access.audit_trail import membership_state
from application.access.authorized import AuthorizedCall, AuthorizedUseCase
from application.access.authorizer import Authorizer, ScopeAccess
from application.access.ports import ScopeChainReader, VisibleChildren
from application.access.scope_types import E, F, ScopeType
from application.access.unit_of_work import AccessUnitOfWork
from application.audit.writer import AuditWriter
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from domain.access.errors import AlreadyMember
from domain.access.list_filters import ChildFilter, child_filter
from domain.access.memberships import Membership
from domain.access.permissions import (
    CREATE_CHILD_PERMISSION,
    DELETE_PERMISSION,
    READ_PERMISSION,
    UPDATE_PERMISSION,
    Permission,
    ScopeKind,
)
from domain.access.roles import CREATOR_ROLE, JOINER_ROLE
from domain.access.scopes import ScopeRef
from domain.request_context import RequestContext

R = TypeVar("R")


class ScopeUseCase(AuthorizedUseCase[AccessUnitOfWork], Generic[E, F]):
    """A use case on scopes of one kind, in one transaction."""

    scope_type: ScopeType[E, F]

    def _scoped(
        self,
        caller: Principal,
        ref: str,
        permission: Mapping[ScopeKind, Permission],
        ctx: RequestContext,
    ) -> AbstractAsyncContextManager[AuthorizedCall[AccessUnitOfWork]]:
        """The transaction, once ``caller`` holds this kind's ``permission`` on scope ``ref``."""
        kind = self.scope_type.kind
        return self._authorized(caller, kind, ref, permission[kind], ctx)

    async def _reread(self, uow: AccessUnitOfWork, caller: Principal, scope: E) -> ScopeAccess:
        """The scope as the caller now sees it, with its counts (after the commit)."""
        kind = self.scope_type.kind
        return await self._authorizer.scope(
            uow.scopes, caller.user_id, kind, scope.id, READ_PERMISSION[kind], counts=True
        )


class CreateScope(ScopeUseCase[E, F], Generic[E, F, R]):
    """A new scope under ``parent_ref`` (None: an organization, which anyone signed in may
    create); its creator becomes its Owner."""

    async def _create(
        self, caller: Principal, parent_ref: str | None, fields: F, ctx: RequestContext
    ) -> R:
        t, now = self.scope_type, self._clock.now()
        async with self._uow() as uow:
            parent = None
            if t.kind.parent is not None:
                if parent_ref is None:
                    raise ValueError(f"a {t.kind.value} is created under its parent")
                parent = await self._authorizer.scope(
                    uow.scopes,
                    caller.user_id,
                    t.kind.parent,
                    parent_ref,
                    CREATE_CHILD_PERMISSION[t.kind],
                )
            scope = t.new(fields, parent, caller.user_id, now)
            await t.ensure_unique(uow, None, scope)
            await t.repository(uow).add(scope)
            owner = Membership(caller.user_id, CREATOR_ROLE[t.kind], *t.path(scope))
            await uow.memberships.put(owner, now)
            audit = AuditWriter(uow.audit, actor_id=caller.user_id, now=now, context=ctx)
            ref = ScopeRef(t.kind, scope.id)
            await t.audit(audit, "created", ref, None, scope)
            await audit.write(
                "member.added", ref, "user", caller.user_id, after=membership_state(owner)
            )
            await uow.commit()
            return await self._created(uow, caller, scope)

    async def _created(self, uow: AccessUnitOfWork, caller: Principal, scope: E) -> R:
        raise NotImplementedError


class CreateChildScope(CreateScope[E, F, ScopeAccess]):
    """A team in an organization (org:teams:create), a project in a team (team:projects:create)."""

    async def __call__(
        self, caller: Principal, parent_ref: str, fields: F, ctx: RequestContext
    ) -> ScopeAccess:
        return await self._create(caller, parent_ref, fields, ctx)

    async def _created(self, uow: AccessUnitOfWork, caller: Principal, scope: E) -> ScopeAccess:
        return await self._reread(uow, caller, scope)


class UpdateScope(ScopeUseCase[E, F], Generic[E, F, R]):
    """Apply a change set (``<scope>:update``); a new name or slug must be free."""

    async def __call__(self, caller: Principal, ref: str, changes: F, ctx: RequestContext) -> R:
        t = self.scope_type
        async with self._scoped(caller, ref, UPDATE_PERMISSION, ctx) as (uow, access, audit, now):
            before = t.of(access)
            after = t.changed(before, changes, now)
            await t.ensure_unique(uow, before, after)
            await t.repository(uow).save(after)
            await t.audit(audit, "updated", access.node.ref, before, after)
            await uow.commit()
            return await self._updated(uow, caller, access, after)

    async def _updated(
        self, uow: AccessUnitOfWork, caller: Principal, access: ScopeAccess, after: E
    ) -> R:
        raise NotImplementedError


class UpdateChildScope(UpdateScope[E, F, ScopeAccess]):
    async def _updated(
        self, uow: AccessUnitOfWork, caller: Principal, access: ScopeAccess, after: E
    ) -> ScopeAccess:
        return await self._reread(uow, caller, after)


class DeleteScope(ScopeUseCase[E, F]):
    """Soft delete (``<scope>:delete``): the scope and everything below it disappear for
    everyone; the audit trail stays."""

    async def __call__(self, caller: Principal, ref: str, ctx: RequestContext) -> E:
        t = self.scope_type
        async with self._scoped(caller, ref, DELETE_PERMISSION, ctx) as (uow, access, audit, now):
            before = t.of(access)
            scope = before.deleted(now)
            await t.repository(uow).save(scope)
            await t.audit(audit, "deleted", access.node.ref, before, scope)
            await uow.commit()
        return scope


class JoinScope(ScopeUseCase[E, F]):
    """Become a Member without an invitation, where the kind allows it (``check_joinable``)."""

    async def __call__(self, caller: Principal, ref: str, ctx: RequestContext) -> Membership:
        t = self.scope_type
        async with self._scoped(caller, ref, READ_PERMISSION, ctx) as (uow, access, audit, now):
            if access.my_membership is not None:
                raise AlreadyMember()
            t.check_joinable(access)
            membership = Membership(caller.user_id, JOINER_ROLE[t.kind], *t.path(t.of(access)))
            await uow.memberships.put(membership, now)
            await audit.write(
                "member.joined",
                access.node.ref,
                "user",
                caller.user_id,
                after=membership_state(membership),
            )
            await uow.commit()
        return membership


class GetScope(Generic[E, F]):
    """One scope with the caller's role, permissions and counts: one statement, no transaction."""

    scope_type: ScopeType[E, F]

    def __init__(self, reads: ScopeChainReader, authorizer: Authorizer):
        self._reads = reads
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, ref: str) -> ScopeAccess:
        kind = self.scope_type.kind
        return await self._authorizer.scope(
            self._reads, caller.user_id, kind, ref, READ_PERMISSION[kind], counts=True
        )


S = TypeVar("S")


class ListChildren(Generic[S]):
    """The children of a scope the caller may read (``<parent>:read``), a page of those the
    domain's ``ChildFilter`` admits, filtered in one query."""

    parent: ScopeKind

    def __init__(self, reads: ScopeChainReader, lists: VisibleChildren, authorizer: Authorizer):
        self._reads = reads
        self._lists = lists
        self._authorizer = authorizer

    async def __call__(self, caller: Principal, parent_ref: str, page: PageRequest) -> Page[S]:
        access = await self._authorizer.scope(
            self._reads, caller.user_id, self.parent, parent_ref, READ_PERMISSION[self.parent]
        )
        flt = child_filter(access.principal, access.node)
        return await self._page(access.node.ref.id, flt, page)

    async def _page(self, parent_id: str, flt: ChildFilter, page: PageRequest) -> Page[S]:
        raise NotImplementedError
