"""Both adapters register the same repositories, each under one name only."""

from __future__ import annotations

import pytest

from adapters.memory.repositories import REPOSITORIES as MEMORY
from adapters.shaped import Registry
from adapters.sqlalchemy.repositories import REPOSITORIES as SQL


def test_memory_and_sql_register_the_same_repository_names() -> None:
    assert MEMORY.names() == SQL.names()
    assert {"users", "ledger", "outbox", "roles"} <= SQL.names()


def test_a_name_is_registered_once() -> None:
    registry: Registry[object] = Registry()
    registry.register("users")(object)
    with pytest.raises(ValueError, match="users"):
        registry.register("users")(object)
