"""The audit context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.audit.organization_audit import ReadOrganizationAudit
from application.audit.unit_of_work import AuditUnitOfWork
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import audit


class Audit(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    access = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(AuditUnitOfWork)

    read_organization_audit = providers.Factory(ReadOrganizationAudit, uow, access.authorizer)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(audit.routes)
