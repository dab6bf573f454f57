"""Every memory repository, registered by the unit-of-work name it declares where it is written.

A context's module is imported here so that its repositories are registered.
"""

from __future__ import annotations

from adapters.memory import (  # noqa: F401  (imported to register their repositories)
    access,
    account,
    assistant,
    audit,
    community,
    credits,
    free_credits,
    idempotency,
    identity,
    inbox,
    invitations,
    jobs,
    notifications,
    outbox,
    payments,
    profiles,
    project_activity,
    settings,
    support,
)
from adapters.memory.registry import REPOSITORIES

__all__ = ["REPOSITORIES"]
