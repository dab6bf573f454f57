"""Test helpers for invitations: people with known e-mails, and reading a code the way the e-mail
job does (from the sealed outbox payload), since no route ever returns it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dependency_injector import providers

from entrypoints.http.request_state import CONTAINER
from tests.e2e.access.helpers import Actor
from tests.fixtures.clock import FakeClock


async def person(client: Any, token: Any, email: str, name: str | None = None) -> Actor:
    a = Actor(client, token(email, name=name))
    a.user_id = (await a.ok("GET", "/profile"))["userId"]
    return a


def container_of(client: Any) -> Any:
    return client.server.app[CONTAINER]


async def code_for(client: Any, invitation_id: str) -> str:
    """The plaintext code of an invitation, unsealed from its outbox message."""
    container = container_of(client)
    sealer = container.core.code_sealer()
    async with container.infrastructure.uow()() as uow:
        pending = await uow.outbox.claim_pending(10_000, datetime.now(UTC))
    for message in pending:
        if message.topic == "invitation.email" and message.payload["invitationId"] == invitation_id:
            return str(sealer.unseal(message.payload["sealedCode"], bound_to=invitation_id))
    raise AssertionError(f"no invitation e-mail queued for {invitation_id}")


def travel(client: Any, days: float) -> None:
    """Move the app's clock ``days`` ahead (use cases read ``core.clock`` on every call)."""
    container_of(client).core.clock.override(
        providers.Object(FakeClock.following_system(timedelta(days=days)))
    )


async def invite(inviter: Actor, path: str, body: dict[str, Any], status: int = 201) -> Any:
    return await inviter.ok("POST", path, body, status=status)
