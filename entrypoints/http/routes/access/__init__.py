"""Organizations, teams and projects (and their members): one ``AccessUseCases`` for all."""

from entrypoints.http.routes.access import organizations, teams
from entrypoints.http.routes.access.use_cases import AccessUseCases

__all__ = ["AccessUseCases", "organizations", "teams"]
