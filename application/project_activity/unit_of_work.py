"""The project-activity context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.access.ports import ScopeChainReader
from application.ports.inbox import WebhookInbox
from application.ports.outbox import Outbox
from application.ports.unit_of_work import UnitOfWork
from application.project_activity.ports import ProjectActivityRepository


class ProjectActivityUnitOfWork(UnitOfWork, Protocol):
    project_activity: ProjectActivityRepository
    inbox: WebhookInbox  # GitHub deliveries, stored before they are processed
    outbox: Outbox  # the job that processes a delivery
    scopes: ScopeChainReader  # project:read on the activity list
