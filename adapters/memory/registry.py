"""The memory adapter's repositories by unit-of-work name (each registers itself)."""

from __future__ import annotations

from adapters.memory.store import MemoryState
from adapters.shaped import Registry

REPOSITORIES: Registry[MemoryState] = Registry()


class MemoryRepository:
    """A repository built on the store's state: it reaches its rows through the state on every
    call (a rollback swaps the state's parts)."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state
