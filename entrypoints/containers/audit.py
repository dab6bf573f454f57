"""The audit context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.audit.organization_audit import ReadOrganizationAudit
from application.audit.unit_of_work import AuditUnitOfWork
from entrypoints.containers.wiring import route_use_cases
from entrypoints.http.routes.audit import AuditUseCases


class Audit(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    access = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(AuditUnitOfWork)

    read_organization_audit = providers.Factory(ReadOrganizationAudit, uow, access.authorizer)

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = route_use_cases(AuditUseCases, vars())
