"""Every table, registered on one MetaData. Contexts add their module to the imports below."""

from adapters.sqlalchemy.tables import identity, invitations, jobs, ledger, platform, rbac
from adapters.sqlalchemy.tables.base import metadata

__all__ = ["identity", "invitations", "jobs", "ledger", "metadata", "platform", "rbac"]
