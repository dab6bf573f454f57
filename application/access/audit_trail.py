"""What the audit trail shows of this context's things before and after a change (the entries
themselves go through ``application.audit.writer.AuditWriter``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from domain.access.memberships import Membership
from domain.access.roles import Role


class Deletable(Protocol):
    @property
    def deleted_at(self) -> datetime | None: ...


def scope_state(scope: Deletable, audited: Sequence[str]) -> dict[str, Any]:
    """The ``audited`` fields of an organization, team or project, in camelCase (an enum by its
    value), and whether it is deleted."""
    state: dict[str, Any] = {}
    for name in audited:
        value = getattr(scope, name)
        state[_camel(name)] = value.value if isinstance(value, Enum) else value
    state["deleted"] = scope.deleted_at is not None
    return state


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def role_state(role: Role) -> dict[str, Any]:
    return {
        "name": role.name,
        "scope": role.scope.value,
        "permissions": sorted(p.value for p in role.permissions),
    }


def membership_state(membership: Membership) -> dict[str, Any]:
    return {"roleId": membership.role.id, "role": membership.role.name}
