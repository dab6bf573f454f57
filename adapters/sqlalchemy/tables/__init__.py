"""Every table, registered on one MetaData. Contexts add their module to the imports below."""

from adapters.sqlalchemy.tables import identity, platform, rbac
from adapters.sqlalchemy.tables.base import metadata

__all__ = ["identity", "metadata", "platform", "rbac"]
