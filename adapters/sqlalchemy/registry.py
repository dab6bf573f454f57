"""The SQL adapter's repositories by unit-of-work name (each registers itself)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.shaped import Registry

REPOSITORIES: Registry[AsyncConnection] = Registry()
