"""The shape of a use case that runs in one transaction and asks the authorizer first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Generic, NamedTuple, Protocol, TypeVar

from application.access.authorizer import Authorizer, ScopeAccess
from application.access.ports import ScopeChainReader
from application.audit.writer import AuditWriter
from application.identity.principal import Principal
from application.ports.audit import AuditLog
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.access.permissions import Permission, ScopeKind
from domain.request_context import RequestContext


class AuthorizingUnitOfWork(UnitOfWork, Protocol):
    """What an authorized call needs of its unit of work: the scope chains and the audit log."""

    scopes: ScopeChainReader
    audit: AuditLog


U = TypeVar("U", bound=AuthorizingUnitOfWork)


class AuthorizedCall(NamedTuple, Generic[U]):
    """One call inside its transaction: what the caller may do in the scope it names, and the
    audit writer bound to the caller, the request and the instant the call began."""

    uow: U
    access: ScopeAccess
    audit: AuditWriter
    now: datetime


class AuthorizedUseCase(Generic[U]):
    """Opens a ``U`` per call, reads the clock once, authorizes before it changes anything."""

    def __init__(self, uow: UnitOfWorkFactory[U], clock: Clock, authorizer: Authorizer):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer

    @asynccontextmanager
    async def _authorized(
        self,
        caller: Principal,
        kind: ScopeKind,
        ref: str,
        permission: Permission,
        ctx: RequestContext,
    ) -> AsyncIterator[AuthorizedCall[U]]:
        """A transaction in which ``caller`` holds ``permission`` on ``ref`` (or the refusal)."""
        now = self._clock.now()
        async with self._uow() as uow:
            access = await self._authorizer.scope(uow.scopes, caller.user_id, kind, ref, permission)
            audit = AuditWriter(uow.audit, actor_id=caller.user_id, now=now, context=ctx)
            yield AuthorizedCall(uow, access, audit, now)
