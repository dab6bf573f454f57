"""Users on every adapter: one account per subject, UTC times, rollback."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.identity.user import User
from domain.ids import new_id

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _user(subject="s"):
    return User(
        id=new_id(),
        subject=subject,
        email=f"{subject}@example.com",
        first_name="F",
        last_name=None,
        image_url=None,
        username=None,
        created_at=NOW,
        updated_at=NOW,
    )


async def test_user_subject_is_unique_and_times_are_utc(contract_uow):
    user = _user()
    async with contract_uow() as u:
        assert await u.users.add(user)
        assert not await u.users.add(_user())  # same subject
        await u.commit()
    async with contract_uow() as u:
        loaded = await u.users.get_by_subject("s")
    assert loaded == user and loaded.created_at.tzinfo is not None


async def test_uncommitted_work_is_rolled_back(contract_uow):
    async with contract_uow() as u:
        await u.users.add(_user("gone"))
    async with contract_uow() as u:
        assert await u.users.get_by_subject("gone") is None


async def test_inactive_among_names_the_deleted_and_the_unknown(contract_uow):
    live, gone = _user("live"), _user("gone-user")
    async with contract_uow() as u:
        await u.users.add(live)
        await u.users.add(gone)
        await u.users.save(gone.soft_delete(NOW))
        await u.commit()
    async with contract_uow() as u:
        assert await u.users.inactive_among([live.id, gone.id, "nobody"]) == {gone.id, "nobody"}
        assert await u.users.inactive_among([]) == set()
