"""Every SQL repository, registered by the unit-of-work name it declares where it is written.

A context's module is imported here so that its repositories are registered.
"""

from __future__ import annotations

from adapters.sqlalchemy.registry import REPOSITORIES
from adapters.sqlalchemy.repositories import (  # noqa: F401  (imported to register their repositories)
    assistant,
    audit,
    community,
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
from adapters.sqlalchemy.repositories.access import (  # noqa: F401
    chain_reader,
    memberships,
    scopes,
)
from adapters.sqlalchemy.repositories.account import activity, records  # noqa: F401
from adapters.sqlalchemy.repositories.credits import economy, ledger  # noqa: F401

__all__ = ["REPOSITORIES"]
