"""Every table, registered on one MetaData. Contexts add their module to the imports below."""

from adapters.sqlalchemy.tables import identity, jobs, ledger, phone_verification, platform
from adapters.sqlalchemy.tables.base import metadata

__all__ = ["identity", "jobs", "ledger", "metadata", "phone_verification", "platform"]
