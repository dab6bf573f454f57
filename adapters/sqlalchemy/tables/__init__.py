"""Every table, registered on one MetaData. A context adds its module to the imports below."""

from adapters.sqlalchemy.tables import (
    access,
    account,
    assistant,
    audit,
    credits,
    free_credits,
    identity,
    inbox,
    invitations,
    jobs,
    notifications,
    outbox,
    payments,
    profiles,
    settings,
)
from adapters.sqlalchemy.tables.base import metadata

__all__ = [
    "access",
    "account",
    "assistant",
    "audit",
    "credits",
    "free_credits",
    "identity",
    "inbox",
    "invitations",
    "jobs",
    "metadata",
    "notifications",
    "outbox",
    "payments",
    "profiles",
    "settings",
]
