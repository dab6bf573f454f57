"""Runs an outbox message through its topic's handler, at most once to completion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.jobs.errors import PermanentJobFailure, TransientJobFailure
from application.jobs.ports import OutboxHandler
from application.jobs.unit_of_work import JobsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import DomainError, Unavailable


class UnknownTopic(PermanentJobFailure):
    """No handler is registered for the message's topic."""


@dataclass(frozen=True, eq=False)
class DispatchOutboxMessage:
    """The body of the ``run_outbox_message`` actor.

    Skips a message already recorded as processed; otherwise runs the handler and then records
    the message (keyed by the outbox id), so a redelivery has no second effect. A permanent
    failure is recorded too (with its error) and re-raised, so the actor does not retry it.
    A dependency that is away (``Unavailable``: the database, a gateway) is a transient failure,
    retried with backoff, even though it is a domain error.
    """

    uow: UnitOfWorkFactory[JobsUnitOfWork]
    handlers: Mapping[str, OutboxHandler]
    clock: Clock

    async def __call__(self, message_id: str, topic: str, payload: Mapping[str, Any]) -> None:
        handler = self.handlers.get(topic)
        if handler is None:
            raise UnknownTopic(f"no handler for topic {topic!r} (message {message_id})")
        try:
            async with self.uow() as uow:
                if await uow.processed_messages.contains(message_id):
                    return
            await handler(message_id, payload)
        except Unavailable as exc:
            raise TransientJobFailure(f"{type(exc).__name__}: {exc}") from exc
        except (PermanentJobFailure, DomainError) as exc:
            # Retrying cannot help: record it so the relay does not publish it again either.
            await self._record(message_id, topic, f"{type(exc).__name__}: {exc}"[:1000])
            raise
        await self._record(message_id, topic, None)

    async def _record(self, message_id: str, topic: str, error: str | None) -> None:
        try:
            async with self.uow() as uow:
                await uow.processed_messages.add(message_id, topic, self.clock.now(), error)
                await uow.commit()
        except Unavailable as exc:  # the handler ran; its redelivery is idempotent per outbox id
            raise TransientJobFailure(f"{type(exc).__name__}: {exc}") from exc
