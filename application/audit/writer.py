"""Writing the audit trail: one ``AuditWriter`` per use-case call.

Who acted, from which request and when are the same for every entry one call writes, so they are
bound once, where the call begins; each entry then says only what happened, where, to what, and
the state before and after::

    audit = AuditWriter(uow.audit, actor_id=caller.user_id, now=now, context=ctx)
    await audit.write("team.updated", access.node.ref, "team", team.id, before=..., after=...)

A change to one thing with an id names the function that shows its state, and the thing before
and after (None where it did not exist)::

    await audit.change("role.updated", access.node.ref, "role", role_state, before, after)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from application.ports.audit import AuditEntry, AuditLog
from domain.access.scopes import ScopeRef
from domain.request_context import RequestContext


class Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)


@dataclass(frozen=True)
class AuditScope:
    """Where an entry is filed when it is not an organization, team or project (those are
    ``ScopeRef``s): a user's own trail, or the platform's."""

    type: str  # "user", "platform"
    id: str

    @classmethod
    def user(cls, user_id: str) -> AuditScope:
        return cls("user", user_id)

    @classmethod
    def platform(cls, area: str) -> AuditScope:
        return cls("platform", area)


class AuditWriter:
    """Appends entries to one unit of work's audit log on behalf of one actor at one instant."""

    def __init__(
        self,
        log: AuditLog,
        *,
        actor_id: str | None,
        now: datetime,
        context: RequestContext | None = None,
    ):
        self._log = log
        self.actor_id = actor_id  # None: the system (a provider event, a check at acceptance)
        self.now = now
        self.context = context or RequestContext()

    def by(self, actor_id: str | None) -> AuditWriter:
        """The same call's writer in another actor's name (None: noticed by the system)."""
        return AuditWriter(self._log, actor_id=actor_id, now=self.now, context=self.context)

    async def write(
        self,
        action: str,
        scope: ScopeRef | AuditScope,
        target_type: str,
        target_id: str,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        """One entry: ``action`` (``member.role_changed``…) filed under ``scope``, done to
        ``target_type``/``target_id``."""
        if isinstance(scope, ScopeRef):
            scope_type, scope_id = scope.kind.value, scope.id
        else:
            scope_type, scope_id = scope.type, scope.id
        await self._log.append(
            AuditEntry(
                scope_type=scope_type,
                scope_id=scope_id,
                actor_id=self.actor_id,
                action=action,
                target_type=target_type,
                target_id=target_id,
                created_at=self.now,
                before=before,
                after=after,
                context=self.context,
            )
        )

    async def change(
        self,
        action: str,
        scope: ScopeRef | AuditScope,
        target_type: str,
        state: Callable[[T], Mapping[str, Any]],
        before: T | None,
        after: T | None,
    ) -> None:
        """The entry for one thing that changed (None before: created; None after: deleted),
        with what ``state`` shows of it on either side; its id is the target's."""
        target = after if after is not None else before
        if target is None:
            raise ValueError(f"{action}: a change has a before or an after")
        await self.write(
            action,
            scope,
            target_type,
            target.id,
            before=None if before is None else state(before),
            after=None if after is None else state(after),
        )
