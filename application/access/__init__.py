"""Use cases of organizations, teams and projects; every decision comes from ``Authorizer``."""
