"""AuditWriter.change: one entry about one thing, its id and state from whichever side exists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.memory.audit import MemoryAuditLog
from adapters.memory.store import MemoryStore
from application.audit.writer import AuditScope, AuditWriter
from application.ports.audit import AuditEntry
from domain.access.permissions import ScopeKind
from domain.access.scopes import ScopeRef

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
TEAM = ScopeRef(ScopeKind.TEAM, "team-1")


@dataclass(frozen=True)
class Role:
    id: str
    name: str


def shown(role: Role) -> Mapping[str, Any]:
    return {"name": role.name}


class Log:
    """The memory audit log, and what it holds."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.repository = MemoryAuditLog(self.store.state)

    @property
    def entries(self) -> list[AuditEntry]:
        return list(self.store.state.audit.entries)


def writer(log: Log) -> AuditWriter:
    return AuditWriter(log.repository, actor_id="user-1", now=NOW)


async def test_a_creation_an_update_and_a_deletion_each_name_the_thing_and_its_sides() -> None:
    log = Log()
    audit = writer(log)
    old, new = Role("role-1", "Reviewer"), Role("role-1", "Judge")

    await audit.change("role.created", TEAM, "role", shown, None, old)
    await audit.change("role.updated", TEAM, "role", shown, old, new)
    await audit.change("role.deleted", AuditScope.platform("roles"), "role", shown, new, None)

    assert [
        (e.action, e.scope_type, e.scope_id, e.target_type, e.target_id, e.before, e.after)
        for e in log.entries
    ] == [
        ("role.created", "team", "team-1", "role", "role-1", None, {"name": "Reviewer"}),
        (
            "role.updated",
            "team",
            "team-1",
            "role",
            "role-1",
            {"name": "Reviewer"},
            {"name": "Judge"},
        ),
        ("role.deleted", "platform", "roles", "role", "role-1", {"name": "Judge"}, None),
    ]
    assert {(e.actor_id, e.created_at) for e in log.entries} == {("user-1", NOW)}


async def test_a_change_with_neither_side_is_refused_and_writes_nothing() -> None:
    log = Log()
    with pytest.raises(ValueError, match=r"role\.updated: a change has a before or an after"):
        await writer(log).change("role.updated", TEAM, "role", shown, None, None)
    assert log.entries == []
