"""Settings on every adapter: none until put, then the last put wins, per user."""

from __future__ import annotations

from tests.integration.contract_builders import NOW, a_user


async def test_settings_are_put_and_read_back_per_user(contract_uow):
    me, other = a_user("me"), a_user("other")
    async with contract_uow() as u:
        await u.users.add(me)
        await u.users.add(other)
        assert await u.settings.get(me.id) is None
        await u.settings.put(me.id, {"email_notifications": True}, NOW)
        await u.settings.put(me.id, {"email_notifications": False, "dark": True}, NOW)
        await u.commit()
    async with contract_uow() as u:
        assert await u.settings.get(me.id) == {"email_notifications": False, "dark": True}
        assert await u.settings.get(other.id) is None
