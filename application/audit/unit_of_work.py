"""The audit context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.access.ports import ScopeChainReader
from application.audit.ports import OrganizationAuditTrail
from application.ports.unit_of_work import UnitOfWork


class AuditUnitOfWork(UnitOfWork, Protocol):
    audit_trail: OrganizationAuditTrail
    scopes: ScopeChainReader
