"""Dispatching an outbox message: the topic's handler runs to completion once per message id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from adapters.email.errors import EmailDeliveryFailed, EmailRejected
from application.jobs.dispatch import DispatchOutboxMessage, UnknownTopic
from application.jobs.errors import TransientJobFailure
from application.ports.outbox_commands import ApplyIdentityWebhook, CreateNotification, SendEmail
from application.transient import StorageUnavailable
from entrypoints.containers import Container
from entrypoints.jobs.handlers import outbox_handlers
from tests.fixtures.clock import FakeClock


class Handler:
    def __init__(self, *errors: BaseException) -> None:
        self.calls: list[str] = []
        self._errors = list(errors)

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        self.calls.append(message_id)
        if self._errors:
            raise self._errors.pop(0)


def dispatcher(container: Container, handler: Handler) -> DispatchOutboxMessage:
    return DispatchOutboxMessage(
        container.infrastructure.uow(), {"t": handler}, container.core.clock()
    )


async def processed(container: Container, message_id: str) -> bool:
    async with container.infrastructure.uow()() as uow:
        return await uow.processed_messages.contains(message_id)


async def test_a_redelivered_message_has_no_second_effect(
    memory_container: Container, clock: FakeClock
) -> None:
    handler = Handler()
    dispatch = dispatcher(memory_container, handler)
    await dispatch("m1", "t", {})
    await dispatch("m1", "t", {})
    await dispatch("m2", "t", {})
    assert handler.calls == ["m1", "m2"]
    assert await processed(memory_container, "m1")


async def test_a_transient_failure_leaves_the_message_unprocessed_for_the_retry(
    memory_container: Container, clock: FakeClock
) -> None:
    handler = Handler(EmailDeliveryFailed("503"))
    dispatch = dispatcher(memory_container, handler)
    with pytest.raises(EmailDeliveryFailed):
        await dispatch("m3", "t", {})
    assert not await processed(memory_container, "m3")
    await dispatch("m3", "t", {})  # the retry
    assert handler.calls == ["m3", "m3"] and await processed(memory_container, "m3")


async def test_a_permanent_failure_is_recorded_so_it_is_not_run_again(
    memory_container: Container, clock: FakeClock
) -> None:
    handler = Handler(EmailRejected("bad address", status=422))
    dispatch = dispatcher(memory_container, handler)
    with pytest.raises(EmailRejected):
        await dispatch("m4", "t", {})
    assert await processed(memory_container, "m4")
    await dispatch("m4", "t", {})
    assert handler.calls == ["m4"]


async def test_an_unknown_topic_is_a_permanent_failure(
    memory_container: Container, clock: FakeClock
) -> None:
    with pytest.raises(UnknownTopic):
        await dispatcher(memory_container, Handler())("m5", "no.such.topic", {})


def test_the_registry_handles_the_topics_in_use(memory_container: Container) -> None:
    handlers = outbox_handlers(memory_container)
    assert {SendEmail.TOPIC, CreateNotification.TOPIC, ApplyIdentityWebhook.TOPIC} <= set(handlers)


async def test_a_dependency_outage_is_retried_not_recorded_as_permanent(
    memory_container: Container,
) -> None:
    handler = Handler(StorageUnavailable("database away"))
    dispatch = dispatcher(memory_container, handler)
    with pytest.raises(TransientJobFailure):
        await dispatch("m-out", "t", {})
    assert not await processed(memory_container, "m-out")
    await dispatch("m-out", "t", {})  # the retry, once the database is back
    assert handler.calls == ["m-out", "m-out"]
    assert await processed(memory_container, "m-out")
