"""The jobs context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.jobs.ports import JobRuns, ProcessedMessages
from application.ports.outbox import Outbox
from application.ports.unit_of_work import UnitOfWork


class JobsUnitOfWork(UnitOfWork, Protocol):
    outbox: Outbox
    processed_messages: ProcessedMessages
    job_runs: JobRuns
