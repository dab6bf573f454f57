"""dependency-injector containers: core, infrastructure, one per context, composed in ``root``."""

from entrypoints.containers.infrastructure import Infrastructure, MemoryInfrastructure
from entrypoints.containers.root import Container

__all__ = ["Container", "Infrastructure", "MemoryInfrastructure"]
