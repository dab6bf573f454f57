"""The memory adapter's repositories by unit-of-work name (each registers itself)."""

from __future__ import annotations

from adapters.memory.store import MemoryState
from adapters.shaped import Registry

REPOSITORIES: Registry[MemoryState] = Registry()
