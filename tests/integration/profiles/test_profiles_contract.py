"""Profiles on every adapter: one per user, saved edits, views newest first with the viewer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from application.pagination import PageRequest, decode_cursor
from domain.profiles.profile import Profile
from tests.integration.contract_builders import NOW, a_user


async def test_one_profile_per_user_and_edits_are_saved(contract_uow):
    user = a_user()
    profile = Profile.new(user.id, "Ada", "Lovelace", NOW)
    async with contract_uow() as u:
        await u.users.add(user)
        assert await u.profiles.add(profile)
        assert not await u.profiles.add(Profile.new(user.id, "Other", None, NOW))
        await u.commit()
    edited = replace(profile, details=replace(profile.details, first_name="Augusta"))
    async with contract_uow() as u:
        assert await u.profiles.get(user.id) == profile
        await u.profiles.save(edited)
        await u.commit()
    async with contract_uow() as u:
        assert await u.profiles.get(user.id) == edited
        assert await u.profiles.get("nobody") is None


async def test_views_are_one_per_viewer_newest_first(contract_uow):
    owner = a_user("owner")
    viewers = [a_user(f"v{i}", name=f"V{i}") for i in range(3)]
    async with contract_uow() as u:
        for user in [owner, *viewers]:
            await u.users.add(user)
        await u.profiles.add(Profile.new(owner.id, "O", None, NOW))
        for i, viewer in enumerate(viewers):
            await u.profiles.record_view(owner.id, viewer.id, NOW + timedelta(minutes=i))
        await u.profiles.record_view(owner.id, viewers[0].id, NOW + timedelta(minutes=9))
        await u.commit()
    async with contract_uow() as u:
        first = await u.profiles.list_views(owner.id, PageRequest(limit=2))
        rest = await u.profiles.list_views(
            owner.id, PageRequest(limit=2, after=decode_cursor(first.next_cursor))
        )
        assert await u.profiles.has_viewed(owner.id, viewers[1].id)
        assert not await u.profiles.has_viewed(owner.id, owner.id)
        assert await u.profiles.star_count(owner.id) == 0
        assert not await u.profiles.has_starred(owner.id, viewers[0].id)
    names = [v.viewer_name for v in first.items + rest.items]
    assert names == ["V0", "V2", "V1"] and rest.next_cursor is None
