"""Every table, registered on one MetaData. Contexts add their module to the imports below."""

from adapters.sqlalchemy.tables import (
    identity,
    invitations,
    jobs,
    ledger,
    payments,
    phone_verification,
    platform,
    rbac,
)
from adapters.sqlalchemy.tables.base import metadata

__all__ = [
    "identity",
    "invitations",
    "jobs",
    "ledger",
    "metadata",
    "payments",
    "phone_verification",
    "platform",
    "rbac",
]
