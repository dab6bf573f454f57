"""The webhook inbox on every adapter: a replayed event is refused."""

from __future__ import annotations

from datetime import UTC, datetime

from application.ports.inbox import ReceivedWebhook
from domain.ids import new_id

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


async def test_inbox_refuses_replays(contract_uow):
    hook = ReceivedWebhook(new_id(), "clerk", "msg_1", "user.created", "{}", NOW)
    async with contract_uow() as u:
        assert await u.inbox.store(hook)
        assert not await u.inbox.store(ReceivedWebhook(new_id(), "clerk", "msg_1", "x", "{}", NOW))
        await u.commit()
