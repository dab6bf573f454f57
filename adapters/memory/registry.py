"""The memory adapter's repositories by unit-of-work name (each registers itself)."""

from __future__ import annotations

from typing import TypeVar

from adapters.memory.store import MemoryState
from adapters.shaped import Registry

REPOSITORIES: Registry[MemoryState] = Registry()

K = TypeVar("K")
V = TypeVar("V")


class MemoryRepository:
    """A repository built on the store's state: it reaches its rows through the state on every
    call (a rollback swaps the state's parts)."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state


def insert_unless_taken(rows: dict[K, V], key: K, value: V) -> bool:
    """The memory twin of ``insert_ignoring_conflict``: ``value`` is stored under ``key`` unless
    the key is taken; True when it was stored."""
    if key in rows:
        return False
    rows[key] = value
    return True
