"""Use cases of identity, profiles and notifications on the memory adapters."""

from __future__ import annotations

import asyncio

import pytest

from application.ports.identity import VerifiedToken
from domain.errors import NotFound
from domain.identity.user import AccountDeleted
from domain.ids import new_id


def _token(subject="user_1", email="a@example.com", name="Ada Lovelace", admin=False):
    return VerifiedToken(subject=subject, email=email, name=name, is_admin=admin)


async def test_first_request_provisions_user_profile_settings_and_welcome(memory_container):
    resolve = memory_container.identity.resolve_principal()
    principal = await resolve(_token())
    state = memory_container.infrastructure.uow().store.state
    assert principal.email == "a@example.com" and principal.name == "Ada Lovelace"
    assert (
        principal.user_id in state.profiles.profiles and principal.user_id in state.settings.by_user
    )
    topics = sorted(r["topic"] for r in state.outbox.values())
    assert topics == ["email.send", "notification.create"]  # through the outbox, not inline


async def test_concurrent_first_requests_provision_once(memory_container):
    resolve = memory_container.identity.resolve_principal()
    results = await asyncio.gather(*[resolve(_token()) for _ in range(10)])
    assert len({p.user_id for p in results}) == 1
    assert len(memory_container.infrastructure.uow().store.state.identity.users) == 1


async def test_admin_from_claim_or_configuration(memory_container):
    resolve = memory_container.identity.resolve_principal()
    assert (await resolve(_token(admin=True))).is_admin
    assert not (await resolve(_token(subject="other", email="o@example.com"))).is_admin


async def test_soft_deleted_user_is_refused(memory_container):
    resolve = memory_container.identity.resolve_principal()
    principal = await resolve(_token())
    store = memory_container.infrastructure.uow().store
    user = store.state.identity.users[principal.user_id]
    store.state.identity.users[user.id] = user.soft_delete(user.created_at)
    await memory_container.infrastructure.cache().delete(f"principal:{user.subject}")
    with pytest.raises(AccountDeleted):
        await resolve(_token())


async def test_failed_transaction_rolls_back(memory_container):
    uow_factory = memory_container.infrastructure.uow()
    with pytest.raises(RuntimeError):
        async with uow_factory() as uow:
            await uow.settings.put(
                "u", {"wantToGetFeedbackMail": False}, memory_container.core.clock().now()
            )
            raise RuntimeError("boom")
    async with uow_factory() as uow:
        assert await uow.settings.get("u") is None


async def test_notifications_are_created_once_per_message(memory_container):
    principal = await memory_container.identity.resolve_principal()(_token())
    create = memory_container.notifications.create_notification()
    message_id = new_id()
    payload = {"userId": principal.user_id, "type": "STAR", "title": "t", "message": "m"}
    await create(message_id, payload)
    await create(message_id, payload)  # redelivery
    assert await memory_container.notifications.count_unread()(principal) == 1


async def test_deleting_someone_elses_notification_is_not_found(memory_container):
    alice = await memory_container.identity.resolve_principal()(_token())
    bob = await memory_container.identity.resolve_principal()(
        _token(subject="bob", email="b@example.com")
    )
    nid = new_id()
    await memory_container.notifications.create_notification()(
        nid, {"userId": alice.user_id, "title": "t", "message": "m"}
    )
    with pytest.raises(NotFound):
        await memory_container.notifications.delete_notification()(bob, nid)
